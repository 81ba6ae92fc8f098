/**
 * `lora-graph component …` and `--workspace`, in-process against a real temporary workspace.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diskCli } from "./memoryCli";
import { parseOverride } from "../../src/cli/run";
import { registry } from "../../nodes";

const VALID = readFileSync(fileURLToPath(new URL("./fixtures/valid-img2img.workflow.json", import.meta.url)), "utf8");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lora-graph-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = diskCli;

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("lora-graph component", () => {
  it("extract prints a workflow that compiles to the same request; inline gives the nodes back", async () => {
    const original = file("w.json", VALID);
    const before = await cli(["compile", original]);
    const r = await cli(["component", "extract", original, "--nodes", "lora_1,prompt", "--name", "Style stack"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.version).toBe(4);
    expect(doc.nodes.map((n: { id: string }) => n.id)).toContain("style-stack");
    expect(doc.components[0]).toMatchObject({ id: "local/style-stack", version: "1.0.0", title: "Style stack" });
    const extracted = file("x.json", r.stdout);
    expect((await cli(["compile", extracted])).stdout).toBe(before.stdout);
    const back = await cli(["component", "inline", extracted, "--id", "style-stack"]);
    expect(back.code).toBe(0);
    const ids = JSON.parse(back.stdout).nodes.map((n: { id: string }) => n.id);
    expect(ids.sort()).toEqual(
      JSON.parse(VALID)
        .nodes.map((n: { id: string }) => n.id)
        .sort(),
    );
  });

  it("extract exits 1 with the reason when the cut would feed itself", async () => {
    const r = await cli([
      "component",
      "extract",
      file("w.json", VALID),
      "--nodes",
      "base_model,sampler",
      "--name",
      "x",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^error cannot-extract: cannot make a component of base_model, sampler: the wires leave the selection and come back into it \("base_model" → "lora_1" → "sampler"\)/,
    );
  });

  it("publish writes the workspace; list shows it; compile resolves from it with --workspace", async () => {
    const ws = join(dir, "ws");
    const r = await cli(["component", "extract", file("w.json", VALID), "--nodes", "lora_1", "--name", "One LoRA"]);
    const extracted = file("x.json", r.stdout);
    const pub = await cli(["component", "publish", extracted, "--workspace", ws]);
    expect(pub.code).toBe(0);
    expect(readdirSync(join(ws, "components"))).toEqual(["local.one-lora.1.0.0.json"]);
    const listed = await cli(["component", "list"], { LORA_GRAPH_WORKSPACE: ws });
    expect(listed.stdout).toBe("local/one-lora@1.0.0  One LoRA  local.one-lora.1.0.0.json\n");
    // The same pipeline without its copy: only the workspace knows the component.
    const bare = JSON.parse(r.stdout);
    delete bare.components;
    const lean = file("lean.json", JSON.stringify(bare));
    const without = await cli(["validate", lean]);
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/component-missing node one-lora .*local\/one-lora@1\.0\.0/);
    const withWs = await cli(["compile", lean, "--workspace", ws]);
    expect(withWs.code).toBe(0);
    expect(withWs.stdout).toBe((await cli(["compile", file("w2.json", VALID)])).stdout);
  });

  it("publish refuses to overwrite a published version with other content", async () => {
    const ws = join(dir, "ws");
    const r = await cli(["component", "extract", file("w.json", VALID), "--nodes", "lora_1", "--name", "One LoRA"]);
    await cli(["component", "publish", file("x.json", r.stdout), "--workspace", ws]);
    const changed = JSON.parse(r.stdout);
    changed.components[0].title = "Another title";
    const again = await cli(["component", "publish", file("y.json", JSON.stringify(changed)), "--workspace", ws]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already has local/one-lora@1.0.0 with other content");
  });

  it("run --set reaches an instance's exposed param", async () => {
    const r = await cli(["component", "extract", file("w.json", VALID), "--nodes", "lora_1", "--name", "One LoRA"]);
    const doc = JSON.parse(r.stdout);
    const param = doc.components[0].params.find((p: { field: string }) => p.field === "path").id as string;
    const url = "https://example.com/other.safetensors";
    expect(parseOverride(`one-lora.${param}=${url}`, doc, { registry })).toEqual({
      nodeId: "one-lora",
      param,
      value: url,
    });
  });

  it("a usage error exits 2", async () => {
    expect((await cli(["component", "frobnicate"])).code).toBe(2);
    expect((await cli(["component", "extract", file("w.json", VALID)])).code).toBe(2);
  });
});
