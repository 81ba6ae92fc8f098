// The line a zoomed-out node shows under its title: its definition's glance params, read as a
// person names them (a file by its file name), short enough to read at a glance.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import fc from "fast-check";
import { glanceText } from "../../src/editor/flow/glance";
import { textPieces } from "../../src/editor/flow/textPieces";
import type { WorkflowNode } from "../../src/graph";

const node = (type: string, params: Record<string, unknown>): WorkflowNode => ({
  id: "n",
  type,
  typeVersion: registry.getOrThrow(type).version,
  position: { x: 0, y: 0 },
  params,
});
const glance = (type: string, params: Record<string, unknown>) => glanceText(registry.get(type), node(type, params));

describe("glanceText", () => {
  it("names a LoRA by its file name and scale", () => {
    expect(
      glance("lora", { path: "https://civitai.com/api/download/models/castle_v2.safetensors?x=1", scale: 0.8 }),
    ).toBe("castle_v2.safetensors · 0.8");
  });

  it("shows a default where nothing is set, and a Hugging Face id whole", () => {
    expect(glance("lora", { path: "user/castle-lora" })).toBe("user/castle-lora · 1");
    expect(glance("base_model", {})).toBe(String(registry.getOrThrow("base_model").params.model_name.default ?? ""));
  });

  it("starts a long prompt and ends it with an ellipsis, on one line", () => {
    const text = glance("prompt", { prompt: "a castle on a hill,\n golden hour, ".repeat(6) });
    expect(text.length).toBeLessThanOrEqual(48);
    expect(text.endsWith("…")).toBe(true);
    expect(text.startsWith("a castle on a hill, golden hour")).toBe(true);
  });

  it("every node type that declares a glance says something about a node with its defaults", () => {
    for (const def of registry.list())
      if (def.glance?.some((k) => ![undefined, ""].includes(def.params[k]?.default as string)))
        expect(glanceText(def, node(def.type, {})), def.type).not.toBe("");
  });
});

describe("textPieces: where far-out type may wrap a word", () => {
  it("cuts a file name after its separators, and a number nowhere", () => {
    expect(textPieces("pixel-art-xl_v1.1_by-nerijs.safetensors")).toEqual([
      "pixel-",
      "art-",
      "xl_",
      "v1.1_",
      "by-",
      "nerijs.",
      "safetensors",
    ]);
    expect(textPieces("stabilityai/stable-diffusion-xl-base-1.0")).toEqual([
      "stabilityai/",
      "stable-",
      "diffusion-",
      "xl-",
      "base-",
      "1.0",
    ]);
    expect(textPieces("0.85")).toEqual(["0.85"]);
    expect(textPieces("Sampler")).toEqual(["Sampler"]);
  });

  it("property: the pieces spell the word, and each cut follows a separator with no letter or digit pair across it", () => {
    const char = fc.constantFrom(..."ab9_-./X1".split(""));
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 30 }).map((cs) => cs.join("")),
        (word) => {
          const pieces = textPieces(word);
          expect(pieces.join("")).toBe(word);
          for (let i = 0; i < pieces.length - 1; i++) {
            const before = pieces[i].at(-1)!;
            const after = pieces[i + 1][0];
            expect(before).toMatch(/[/_\-.]/);
            expect(`${pieces[i].at(-2) ?? ""}${after}`).not.toMatch(/^\d\d$/);
          }
        },
      ),
    );
  });
});
