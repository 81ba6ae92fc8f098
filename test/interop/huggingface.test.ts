/**
 * Hugging Face references in a LoRA's path (src/interop/safetensors/huggingface.ts): which file
 * each form names, and how a repository's one LoRA file is chosen from its listing.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkLoraUrl, huggingFaceTarget, pickLoraFile } from "../../src/interop/safetensors";

const listing = (...files: string[]) => ({ siblings: files.map((rfilename) => ({ rfilename })) });

describe("huggingFaceTarget", () => {
  it.each([
    [
      "nerijs/pixel-art-xl/pixel-art-xl.safetensors",
      "https://huggingface.co/nerijs/pixel-art-xl/resolve/main/pixel-art-xl.safetensors",
    ],
    ["u/r/loras/v2/castle.safetensors", "https://huggingface.co/u/r/resolve/main/loras/v2/castle.safetensors"],
    [
      "https://huggingface.co/u/r/blob/main/castle.safetensors",
      "https://huggingface.co/u/r/resolve/main/castle.safetensors",
    ],
    [
      "https://huggingface.co/u/r/raw/v1.0/a%20b.safetensors",
      "https://huggingface.co/u/r/resolve/v1.0/a%20b.safetensors",
    ],
    [
      "https://hf.co/u/r/resolve/main/c.safetensors?download=true",
      "https://hf.co/u/r/resolve/main/c.safetensors?download=true",
    ],
    [
      "https://huggingface.co/datasets/u/r/blob/main/c.safetensors",
      "https://huggingface.co/datasets/u/r/resolve/main/c.safetensors",
    ],
  ])("%s is the file %s", (ref, url) => {
    expect(huggingFaceTarget(ref)).toEqual({ kind: "file", url });
  });

  it.each([
    [
      "nerijs/pixel-art-xl",
      "nerijs/pixel-art-xl",
      "main",
      "https://huggingface.co/api/models/nerijs/pixel-art-xl/revision/main",
    ],
    [
      "https://huggingface.co/nerijs/pixel-art-xl",
      "nerijs/pixel-art-xl",
      "main",
      "https://huggingface.co/api/models/nerijs/pixel-art-xl/revision/main",
    ],
    ["https://huggingface.co/u/r/tree/v2", "u/r", "v2", "https://huggingface.co/api/models/u/r/revision/v2"],
    [
      "https://huggingface.co/datasets/u/r",
      "datasets/u/r",
      "main",
      "https://huggingface.co/api/datasets/u/r/revision/main",
    ],
  ])("%s is the repository %s at %s", (ref, repo, revision, listUrl) => {
    expect(huggingFaceTarget(ref)).toEqual({ kind: "repo", repo, revision, listUrl });
  });

  it("a folder names no file, and says so; other references are not Hugging Face's", () => {
    expect(huggingFaceTarget("u/r/loras")).toMatchObject({ kind: "unclear", reason: /folder of u\/r/ });
    expect(huggingFaceTarget("https://huggingface.co/u/r/tree/main/loras")).toMatchObject({ kind: "unclear" });
    for (const ref of [
      "castle_style",
      "https://civitai.com/api/download/models/1",
      "http://huggingface.co/u/r",
      "https://huggingface.co/api/models/u/r",
      "https://huggingface.co/spaces/u/r",
      "u/../r",
      "/home/me/castle.safetensors",
      "https://huggingface.co/u/r/resolve/main/%zz",
    ])
      expect(huggingFaceTarget(ref)).toBeNull();
  });

  it("never throws, and every file it names is one the allowlist reads (property)", () => {
    const seg = fc.stringMatching(/^[A-Za-z0-9_.%-]{1,12}$/);
    const ref = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.array(seg, { minLength: 1, maxLength: 6 }).map((p) => p.join("/")),
      fc
        .tuple(
          fc.constantFrom("https://huggingface.co/", "https://hf.co/", "https://huggingface.co/datasets/"),
          fc.array(seg, { maxLength: 6 }),
        )
        .map(([h, p]) => h + p.join("/")),
    );
    fc.assert(
      fc.property(ref, (r) => {
        const t = huggingFaceTarget(r);
        if (t?.kind === "file") expect(checkLoraUrl(t.url).ok).toBe(true);
        if (t?.kind === "repo") expect(checkLoraUrl(t.listUrl).ok).toBe(true);
      }),
    );
  });
});

describe("pickLoraFile: the file diffusers would load, when it is the only one", () => {
  it("one .safetensors file (others are not weights) is the file", () => {
    expect(pickLoraFile(listing(".gitattributes", "README.md", "castle.safetensors", "sample.png"), "u/r")).toEqual({
      file: "castle.safetensors",
    });
  });
  it("leaves out scheduler, optimizer and checkpoint files, and prefers pytorch_lora_weights", () => {
    expect(
      pickLoraFile(listing("castle.safetensors", "checkpoint-500/castle.safetensors", "optimizer.safetensors"), "u/r"),
    ).toEqual({
      file: "castle.safetensors",
    });
    expect(pickLoraFile(listing("a.safetensors", "pytorch_lora_weights.safetensors"), "u/r")).toEqual({
      file: "pytorch_lora_weights.safetensors",
    });
  });
  it("several candidates or none is a reason naming them, never a guess", () => {
    const several = pickLoraFile(listing("v1.safetensors", "v2.safetensors"), "u/r");
    expect(several).toEqual({
      reason:
        "u/r holds several .safetensors files (v1.safetensors, v2.safetensors): name the file, e.g. u/r/v1.safetensors",
    });
    expect(pickLoraFile(listing("model.bin"), "u/r")).toEqual({ reason: "u/r holds no .safetensors LoRA file" });
    for (const bad of [null, 1, "x", {}, { siblings: "x" }, { siblings: [null, 1, { rfilename: 2 }] }])
      expect(pickLoraFile(bad, "u/r")).toHaveProperty("reason");
  });
});
