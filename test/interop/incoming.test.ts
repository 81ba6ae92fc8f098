// The one import door: what each kind of input is read as, and that nothing throws on any bytes.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PNG } from "pngjs";
import { detectIncoming } from "../../src/interop/incoming";
import { writeImageMetadata } from "../../src/interop/image";
import { sdxlLoraPrompt, sdxlLoraWorkflow } from "./comfyFixtures";

const A1111 = "a castle\nNegative prompt: blurry\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1";
const png = () => new Uint8Array(PNG.sync.write(new PNG({ width: 2, height: 2 })));
function withChunks(entries: Record<string, string>): Uint8Array {
  const w = writeImageMetadata(
    png(),
    Object.entries(entries).map(([keyword, text]) => ({ keyword, text })),
  );
  if (!w.ok) throw new Error(w.error);
  return w.bytes;
}

describe("detectIncoming", () => {
  it("tells each text format apart", () => {
    const a = detectIncoming(A1111);
    expect(a.kind === "foreign" && a.foreign.format).toMatch(/A1111/);
    const api = detectIncoming(JSON.stringify(sdxlLoraPrompt()));
    expect(api.kind === "foreign" && api.foreign.format).toBe("ComfyUI API prompt");
    const ui = detectIncoming(JSON.stringify(sdxlLoraWorkflow()));
    expect(ui.kind === "foreign" && ui.foreign.format).toBe("ComfyUI workflow");
    expect(detectIncoming('{"prompt": "a cat", "model_name": "a/b"}')).toMatchObject({ kind: "request" });
    expect(detectIncoming('{"format": "lora-graph/workflow", "version": 2}')).toMatchObject({ kind: "workflow" });
    expect(detectIncoming("[1, 2]")).toMatchObject({ kind: "unknown", error: expect.stringMatching(/not an object/) });
    expect(detectIncoming('{"prompt": ')).toMatchObject({
      kind: "unknown",
      error: expect.stringMatching(/^Not readable JSON.*line 1/),
    });
    expect(detectIncoming("hello")).toMatchObject({ kind: "unknown", error: expect.stringMatching(/expected a fal/) });
  });

  it("reads an image's chunks in order: workflow, request, ComfyUI prompt, ComfyUI workflow, A1111", () => {
    const all = {
      "lora-graph": '{"format": "lora-graph/workflow"}',
      "fal-request": '{"prompt": "x"}',
      prompt: JSON.stringify(sdxlLoraPrompt()),
      workflow: JSON.stringify(sdxlLoraWorkflow()),
      parameters: A1111,
    };
    const order: [keyof typeof all, string][] = [
      ["lora-graph", "workflow"],
      ["fal-request", "request"],
      ["prompt", "ComfyUI API prompt"],
      ["workflow", "ComfyUI workflow"],
      ["parameters", "A1111 / Forge / Civitai"],
    ];
    const left: Record<string, string> = { ...all };
    for (const [key, expected] of order) {
      const r = detectIncoming(withChunks(left));
      expect(r.image).toBe("png");
      expect(r.kind === "foreign" ? r.foreign.format : r.kind).toBe(expected);
      delete left[key];
    }
    expect(detectIncoming(withChunks({ Software: "x" }))).toMatchObject({
      kind: "unknown",
      error: expect.stringMatching(/carries no generation data/),
    });
  });

  it("says where a file's bytes are not UTF-8, and how to keep the text, in a request or ComfyUI file", () => {
    // "café" as Windows-1252 writes it: 0xE9 alone is not UTF-8.
    const latin1 = (before: string, after: string) => {
      const [a, b] = [before, after].map((t) => new TextEncoder().encode(t));
      return new Uint8Array([...a, 0xe9, ...b]);
    };
    const request = detectIncoming(latin1('{"model_name": "a/b", "prompt": "a caf', '"}'));
    expect(request).toMatchObject({ kind: "request", json: { prompt: "a caf\uFFFD" } });
    expect(request.warnings).toEqual([
      expect.stringMatching(
        /^The text at \$\.prompt has a byte that is not UTF-8 \(0xE9 at line 1, column 39\).*save the file as UTF-8/,
      ),
    ]);
    expect(request.warnings[0]).not.toMatch(/\(at \$/);
    const text = JSON.stringify(sdxlLoraPrompt());
    const cut = text.indexOf("a ") + 1;
    const comfy = detectIncoming(latin1(text.slice(0, cut), text.slice(cut)));
    expect(comfy.kind === "foreign" && comfy.foreign.format).toBe("ComfyUI API prompt");
    expect(comfy.warnings).toEqual([expect.stringMatching(/^The text at \$\S+ has a byte that is not UTF-8/)]);
  });

  it("never throws, on any text or bytes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 200 })), (input) => {
        expect(["workflow", "request", "foreign", "unknown"]).toContain(detectIncoming(input).kind);
      }),
      { numRuns: 300 },
    );
  });
});
