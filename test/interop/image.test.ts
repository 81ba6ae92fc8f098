import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import {
  PARAMETERS_KEYWORD,
  REQUEST_KEYWORD,
  decodeUserComment,
  WORKFLOW_KEYWORD,
  crc32,
  readImageMetadata,
  readJpegText,
  readPngText,
  workflowFromImage,
  writeImageMetadata,
  writeJpegText,
  writePngText,
} from "../../src/interop/image";
import { serializeWorkflow } from "../../src/graph";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";

function makePng(width = 4, height = 3): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 0xff;
  return new Uint8Array(PNG.sync.write(png));
}

function makeJpeg(width = 8, height = 8): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 0xff;
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

const PNG_BYTES = makePng();
const JPEG_BYTES = makeJpeg();
const workflowText = serializeWorkflow(examples[0].document);
const requestText = JSON.stringify({ prompt: "a château — ünïcödé 🐉", loras: [{ path: "x", scale: 0.5 }] });

describe("crc32", () => {
  it("matches known PNG chunk CRCs", () => {
    expect(crc32(new TextEncoder().encode("IEND"))).toBe(0xae426082);
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("PNG iTXt round trip", () => {
  it("stores workflow and request; the image still decodes to the same pixels", () => {
    const r = writePngText(PNG_BYTES, [
      { keyword: WORKFLOW_KEYWORD, text: workflowText },
      { keyword: REQUEST_KEYWORD, text: requestText },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const back = readPngText(r.bytes);
    expect(back).toMatchObject({ ok: true, kind: "png", warnings: [] });
    if (!back.ok) return;
    expect(back.entries[WORKFLOW_KEYWORD]).toBe(workflowText);
    expect(back.entries[REQUEST_KEYWORD]).toBe(requestText);
    const decoded = PNG.sync.read(Buffer.from(r.bytes));
    expect(Buffer.from(decoded.data)).toEqual(PNG.sync.read(Buffer.from(PNG_BYTES)).data);
  });

  it("writing again replaces the entry instead of adding a second one", () => {
    const once = writePngText(PNG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text: "first" }]);
    if (!once.ok) throw new Error(once.error);
    const twice = writePngText(once.bytes, [{ keyword: WORKFLOW_KEYWORD, text: "second" }]);
    if (!twice.ok) throw new Error(twice.error);
    const r = readPngText(twice.bytes);
    expect(r.ok && r.entries[WORKFLOW_KEYWORD]).toBe("second");
    const count = Buffer.from(twice.bytes).toString("latin1").split("iTXtlora-graph\0").length - 1;
    expect(count).toBe(1);
  });

  it("round-trips any text (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        const w = writeImageMetadata(PNG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text }]);
        const r = w.ok ? readImageMetadata(w.bytes) : null;
        return !!r && r.ok && r.entries[WORKFLOW_KEYWORD] === text;
      }),
      { numRuns: 200 },
    );
  });

  it("reads a Latin-1 tEXt chunk written by another tool", () => {
    const png = new PNG({ width: 1, height: 1 });
    const base = new Uint8Array(PNG.sync.write(png));
    // Build a tEXt chunk by hand and splice it after IHDR (8 + 25 bytes).
    const data = new Uint8Array([...Buffer.from("lora-graph\0caf\xe9", "latin1")]);
    const chunk = new Uint8Array(12 + data.length);
    new DataView(chunk.buffer).setUint32(0, data.length);
    chunk.set(Buffer.from("tEXt"), 4);
    chunk.set(data, 8);
    new DataView(chunk.buffer).setUint32(8 + data.length, crc32(chunk, 4, 8 + data.length));
    const bytes = new Uint8Array([...base.subarray(0, 33), ...chunk, ...base.subarray(33)]);
    const r = readPngText(bytes);
    expect(r.ok && r.entries[WORKFLOW_KEYWORD]).toBe("café");
  });

  it("refuses bad keywords and non-images when writing, with the reason", () => {
    expect(writePngText(PNG_BYTES, [{ keyword: "", text: "x" }])).toMatchObject({
      ok: false,
      error: expect.stringContaining("1–79"),
    });
    expect(writePngText(PNG_BYTES, [{ keyword: "a:b", text: "x" }])).toMatchObject({ ok: false });
    expect(writeImageMetadata(new TextEncoder().encode("{}"), [{ keyword: "k", text: "x" }])).toMatchObject({
      ok: false,
      error: "not a PNG or JPEG image",
    });
    expect(writePngText(PNG_BYTES.subarray(0, PNG_BYTES.length - 5), [{ keyword: "k", text: "x" }])).toMatchObject({
      ok: false,
      error: expect.stringContaining("not a complete PNG"),
    });
  });
});

describe("JPEG COM round trip", () => {
  it("stores workflow and request; JFIF stays first and the image still decodes", () => {
    const r = writeJpegText(JPEG_BYTES, [
      { keyword: WORKFLOW_KEYWORD, text: workflowText },
      { keyword: REQUEST_KEYWORD, text: requestText },
    ]);
    if (!r.ok) throw new Error(r.error);
    // jpeg-js writes APP0 JFIF right after SOI; it must stay there.
    expect([...r.bytes.subarray(0, 4)]).toEqual([0xff, 0xd8, 0xff, 0xe0]);
    const back = readJpegText(r.bytes);
    expect(back.ok && back.entries[WORKFLOW_KEYWORD]).toBe(workflowText);
    expect(back.ok && back.entries[REQUEST_KEYWORD]).toBe(requestText);
    const decoded = jpeg.decode(Buffer.from(r.bytes));
    expect(decoded.width).toBe(8);
    expect(Buffer.from(decoded.data)).toEqual(Buffer.from(jpeg.decode(Buffer.from(JPEG_BYTES)).data));
  });

  it("splits text larger than one segment (64 KB) and joins it back, multi-byte characters included", () => {
    const big = "ж🐉".repeat(40_000); // 240 KB of UTF-8; parts split inside code points
    const w = writeJpegText(JPEG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text: big }]);
    if (!w.ok) throw new Error(w.error);
    const r = readJpegText(w.bytes);
    expect(r.ok && r.entries[WORKFLOW_KEYWORD]).toBe(big);
    const again = writeJpegText(w.bytes, [{ keyword: WORKFLOW_KEYWORD, text: "small" }]);
    if (!again.ok) throw new Error(again.error);
    expect(again.bytes.length).toBeLessThan(JPEG_BYTES.length + 100);
    const r2 = readJpegText(again.bytes);
    expect(r2.ok && r2.entries[WORKFLOW_KEYWORD]).toBe("small");
  });

  it("a missing part drops the entry with a warning", () => {
    const big = "x".repeat(70_000);
    const w = writeJpegText(JPEG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text: big }]);
    if (!w.ok) throw new Error(w.error);
    // Turn the first COM part into an APP15 segment: the reader no longer sees it.
    const bytes = w.bytes.slice();
    const at = Buffer.from(bytes).indexOf(Buffer.from("lora-graph-meta:1:lora-graph:1/2:", "latin1")) - 4;
    expect(bytes[at + 1]).toBe(0xfe);
    bytes[at + 1] = 0xef;
    const r = readJpegText(bytes);
    expect(r.ok && r.entries[WORKFLOW_KEYWORD]).toBeUndefined();
    expect(r.ok && r.warnings.join()).toContain("1 of 2 parts");
  });
});

describe("IMP-01 / IMP-03 hostile PNG and JPEG metadata never throws", () => {
  const withWorkflow = (() => {
    const w = writePngText(PNG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text: workflowText }]);
    if (!w.ok) throw new Error(w.error);
    return w.bytes;
  })();
  const iTxtAt = Buffer.from(withWorkflow).indexOf(Buffer.from("iTXt")) - 4;

  it("bad CRC: the chunk is skipped with a warning", () => {
    const bytes = withWorkflow.slice();
    bytes[iTxtAt + 20] ^= 0xff; // inside the text
    const r = readPngText(bytes);
    expect(r.ok && r.entries[WORKFLOW_KEYWORD]).toBeUndefined();
    expect(r.ok && r.warnings.join()).toMatch(/CRC mismatch/);
  });

  it("a huge length field stops the walk instead of reading past the end", () => {
    const bytes = withWorkflow.slice();
    new DataView(bytes.buffer).setUint32(iTxtAt, 0xfffffff0);
    const r = readPngText(bytes);
    expect(r.ok).toBe(true);
    expect(r.ok && r.warnings.join()).toMatch(/claims 4294967280 bytes/);
  });

  it("truncated files at every length", () => {
    for (const src of [withWorkflow, writeJpegText(JPEG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text: "hello" }])]) {
      const bytes = src instanceof Uint8Array ? src : src.ok ? src.bytes : new Uint8Array();
      for (let n = 0; n <= bytes.length; n += Math.max(1, Math.floor(bytes.length / 400))) {
        expect(() => readImageMetadata(bytes.subarray(0, n))).not.toThrow();
        expect(() => workflowFromImage(bytes.subarray(0, n), registry)).not.toThrow();
      }
    }
  });

  it("random bytes after valid signatures (property)", () => {
    const pngSig = PNG_BYTES.subarray(0, 8);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (tail, png) => {
        const head = png ? pngSig : Uint8Array.of(0xff, 0xd8, 0xff);
        const bytes = new Uint8Array([...head, ...tail]);
        const r = readImageMetadata(bytes);
        const w = workflowFromImage(bytes, registry);
        return typeof r.ok === "boolean" && typeof w.ok === "boolean";
      }),
      { numRuns: 2000 },
    );
  });

  it("random mutations of a valid PNG/JPEG with metadata (property)", () => {
    const jpegWith = writeJpegText(JPEG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text: workflowText }]);
    if (!jpegWith.ok) throw new Error(jpegWith.error);
    const sources = [withWorkflow, jpegWith.bytes];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (which, edits) => {
          const bytes = sources[which].slice();
          for (const [pos, val] of edits) bytes[pos % bytes.length] = val;
          const r = workflowFromImage(bytes, registry);
          return typeof r.ok === "boolean";
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("non-JSON and prototype-polluting workflow text comes back as a loader error, not an exception", () => {
    for (const text of ["not json {", '{"__proto__":{"polluted":1},"version":2}', "[]".repeat(10_000)]) {
      const w = writePngText(PNG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text }]);
      if (!w.ok) throw new Error(w.error);
      const r = workflowFromImage(w.bytes, registry);
      expect(r.ok).toBe(true);
      expect(r.ok && r.load.ok).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a __proto__ keyword is stored as a plain entry, without touching prototypes", () => {
    const w = writePngText(PNG_BYTES, [{ keyword: "__proto__", text: '{"polluted":1}' }]);
    if (!w.ok) throw new Error(w.error);
    const r = readPngText(w.bytes);
    expect(r.ok && Object.getOwnPropertyDescriptor(r.entries, "__proto__")?.value).toBe('{"polluted":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("text above the cap is ignored with a warning", () => {
    const w = writePngText(PNG_BYTES, [{ keyword: WORKFLOW_KEYWORD, text: "x".repeat(5000) }]);
    if (!w.ok) throw new Error(w.error);
    const r = readPngText(w.bytes, { maxTextBytes: 1000 });
    expect(r.ok && r.entries[WORKFLOW_KEYWORD]).toBeUndefined();
    expect(r.ok && r.warnings.join()).toMatch(/exceed 1000 bytes/);
    expect(readPngText(w.bytes, { maxImageBytes: 100 })).toMatchObject({
      ok: false,
      error: expect.stringContaining("too large"),
    });
  });
});

describe("workflowFromImage", () => {
  it("restores the embedded workflow through the loader", () => {
    const w = writeImageMetadata(JPEG_BYTES, [
      { keyword: WORKFLOW_KEYWORD, text: workflowText },
      { keyword: REQUEST_KEYWORD, text: requestText },
    ]);
    if (!w.ok) throw new Error(w.error);
    const r = workflowFromImage(w.bytes, registry);
    if (!r.ok || !r.load.ok) throw new Error("expected a workflow");
    expect(r.request).toBe(requestText);
    expect(serializeWorkflow(r.load.document)).toBe(workflowText);
  });

  it("says so when an image carries no workflow", () => {
    expect(workflowFromImage(PNG_BYTES, registry)).toEqual({
      ok: false,
      error: "this PNG carries no lora-graph workflow",
    });
  });
});

describe("A1111 parameters: PNG text chunk, JPEG EXIF UserComment", () => {
  const infotext =
    "a castle\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512";

  it("PNG: a Latin-1 parameters text is a tEXt chunk (as A1111 writes it), other text an iTXt", () => {
    const latinOnly = writePngText(PNG_BYTES, [{ keyword: PARAMETERS_KEYWORD, text: infotext + " café" }]);
    const wide = writePngText(PNG_BYTES, [{ keyword: PARAMETERS_KEYWORD, text: infotext + " 城" }]);
    if (!latinOnly.ok || !wide.ok) throw new Error("write failed");
    expect(Buffer.from(latinOnly.bytes).includes(Buffer.from("tEXtparameters\0"))).toBe(true);
    expect(Buffer.from(wide.bytes).includes(Buffer.from("iTXtparameters\0"))).toBe(true);
    expect(readPngText(latinOnly.bytes)).toMatchObject({ ok: true, entries: { parameters: infotext + " café" } });
    expect(readPngText(wide.bytes)).toMatchObject({ ok: true, entries: { parameters: infotext + " 城" } });
  });

  it("JPEG: parameters go into an Exif APP1 right after JFIF as UNICODE + UTF-16BE; the image still decodes", () => {
    const w = writeJpegText(JPEG_BYTES, [
      { keyword: WORKFLOW_KEYWORD, text: workflowText },
      { keyword: PARAMETERS_KEYWORD, text: infotext + " 🐉" },
    ]);
    if (!w.ok) throw new Error(w.error);
    const b = Buffer.from(w.bytes);
    expect(b.subarray(2, 4)).toEqual(Buffer.from([0xff, 0xe0])); // JFIF first
    const app1 = b.indexOf(Buffer.from("Exif\0\0"));
    expect(b.subarray(app1 - 4, app1 - 2)).toEqual(Buffer.from([0xff, 0xe1]));
    expect(b.includes(Buffer.from("UNICODE\0\0a\0 \0c", "latin1"))).toBe(true);
    expect(b.includes(Buffer.from("lora-graph-meta:1:parameters"))).toBe(false);
    const r = readJpegText(w.bytes);
    expect(r).toMatchObject({
      ok: true,
      warnings: [],
      entries: { parameters: infotext + " 🐉", [WORKFLOW_KEYWORD]: workflowText },
    });
    expect(jpeg.decode(w.bytes).width).toBe(8);
    // Writing again replaces the EXIF instead of adding a second one, and says so.
    const again = writeJpegText(w.bytes, [{ keyword: PARAMETERS_KEYWORD, text: "Steps: 1, Seed: 2, Size: 8x8" }]);
    if (!again.ok) throw new Error(again.error);
    expect(Buffer.from(again.bytes).toString("latin1").split("Exif\0\0").length - 1).toBe(1);
    expect(again.notes).toContain("the image's EXIF data was replaced by the parameters text");
    expect(readJpegText(again.bytes)).toMatchObject({
      ok: true,
      entries: { parameters: "Steps: 1, Seed: 2, Size: 8x8" },
    });
  });

  it("decodes every UserComment charset prefix A1111, piexif and other tools write", () => {
    const utf16 = (s: string, little: boolean) =>
      Buffer.from(little ? s : Buffer.from(s, "utf16le").swap16().toString("latin1"), little ? "utf16le" : "latin1");
    const cases: [Buffer, string][] = [
      [Buffer.concat([Buffer.from("UNICODE\0"), utf16("Steps: 20, ä", false)]), "Steps: 20, ä"],
      [Buffer.concat([Buffer.from("UNICODE\0"), utf16("Steps: 20, ä", true)]), "Steps: 20, ä"],
      [Buffer.concat([Buffer.from("ASCII\0\0\0"), Buffer.from("Steps: 20\0")]), "Steps: 20"],
      [Buffer.concat([Buffer.alloc(8), Buffer.from("Steps: 20, 城")]), "Steps: 20, 城"],
    ];
    for (const [bytes, text] of cases) expect(decodeUserComment(new Uint8Array(bytes))).toEqual({ ok: true, text });
    expect(decodeUserComment(new Uint8Array(3))).toMatchObject({ ok: false });
  });
});
