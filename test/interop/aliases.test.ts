// LoRA aliases: a remembered name → URL resolves the LoRA on the next import, in place of the error.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { a1111ToRequest } from "../../src/interop/a1111";
import { importComfy } from "../../src/interop/comfyui";
import { aliasKey, applyAliases, isAliasTarget } from "../../src/interop/aliases";
import { sdxlLoraPrompt } from "./comfyFixtures";

const URL_ = "https://civitai.com/api/download/models/4242";
const TEXT =
  "a castle <lora:castle_style:0.7> <lora:other:0.5>\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Model: sd_xl_base_1.0";

describe("LoRA aliases", () => {
  it("an A1111 LoRA known by name gets the remembered URL; the path-needed error becomes a note", () => {
    const before = a1111ToRequest(TEXT);
    expect(before.notes.filter((n) => n.severity === "error").map((n) => n.path)).toEqual([
      "loras.0.path",
      "loras.1.path",
    ]);
    const after = applyAliases(before, { castle_style: URL_ });
    expect(after.request.loras).toEqual([{ path: URL_, scale: 0.7 }, expect.objectContaining({ scale: 0.5 })]);
    expect((after.request.loras as { path?: string }[])[1].path ?? "").toBe("");
    expect(after.notes.filter((n) => n.severity === "error").map((n) => n.path)).toEqual(["loras.1.path"]);
    expect(after.notes).toContainEqual(
      expect.objectContaining({ severity: "info", path: "loras.0.path", message: expect.stringMatching(/aliases/) }),
    );
    // The input is left as it was.
    expect(before.notes.filter((n) => n.severity === "error")).toHaveLength(2);
  });

  it("ComfyUI's folder and extension name the same alias", () => {
    expect(aliasKey("styles/castle_style.safetensors")).toBe("castle_style");
    expect(aliasKey("Castle_Style")).toBe("castle_style");
    const after = applyAliases(importComfy(sdxlLoraPrompt()), { castle_style: URL_ });
    expect((after.request.loras as { path: string }[])[0].path).toBe(URL_);
    expect(after.notes.some((n) => n.severity === "error" && n.path === "loras.0.path")).toBe(false);
  });

  it("only https URLs are used, and a LoRA that has a path keeps it", () => {
    for (const bad of ["http://x/y", "blob:https://x/1", "/local/file", "https://u:p@x/y", ""])
      expect(isAliasTarget(bad), bad).toBe(false);
    const r = applyAliases(a1111ToRequest(TEXT), { castle_style: "http://insecure/x" });
    expect(r.notes.filter((n) => n.severity === "error")).toHaveLength(2);
    const civitai = a1111ToRequest(`${TEXT}, Civitai resources: [{"type":"lora","weight":0.7,"modelVersionId":1}]`);
    expect((applyAliases(civitai, { castle_style: URL_ }).request.loras as { path: string }[])[0].path).toBe(
      "https://civitai.com/api/download/models/1",
    );
  });

  it("never throws, whatever the alias table holds", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (aliases) => {
        applyAliases(a1111ToRequest(TEXT), aliases);
      }),
    );
  });
});
