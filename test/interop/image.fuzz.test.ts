// IMP-10: the image metadata readers fuzzed byte by byte over mutated real files. Whatever the
// bytes, a read never throws, allocates at most a small multiple of the file, and does bounded
// work. Work is counted by the readers themselves (bytes visited and inflated, part slots), not
// timed, so the bound holds on a loaded machine too.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { zlibSync } from "fflate";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import {
  PARAMETERS_KEYWORD,
  REQUEST_KEYWORD,
  WORKFLOW_KEYWORD,
  buildUserCommentTiff,
  crc32,
  readImageMetadata,
  writeImageMetadata,
  type ReadMetadataResult,
} from "../../src/interop/image";
import { serializeWorkflow } from "../../src/graph";
import { concat } from "../../src/interop/image/bytes";
import { examples } from "../../src/examples";

const workflowText = serializeWorkflow(examples[0].document);
const parametersText =
  "a castle on a hill, (masterpiece:1.2) <lora:castle:0.7>\nNegative prompt: blurry\n" +
  "Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 1234, Size: 832x1216, Model: sd_xl_base_1.0";

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(Buffer.from(type, "latin1"), 4);
  out.set(data, 8);
  new DataView(out.buffer).setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

const cat = (...parts: ArrayLike<number>[]): Uint8Array => concat(parts);

/** Inserts chunks right after IHDR (8-byte signature + 25-byte IHDR chunk). */
function withChunks(png: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  return cat(png.subarray(0, 33), ...chunks, png.subarray(33));
}

const latin = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const zTXt = (keyword: string, payload: Uint8Array) => pngChunk("zTXt", cat(latin(keyword + "\0\0"), payload));
const compressedITXt = (keyword: string, payload: Uint8Array) =>
  pngChunk("iTXt", cat(latin(keyword + "\0\x01\0\0\0"), payload));

function basePng(): Uint8Array {
  const png = new PNG({ width: 16, height: 16 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 0xff;
  const plain = new Uint8Array(PNG.sync.write(png));
  const w = writeImageMetadata(plain, [
    { keyword: WORKFLOW_KEYWORD, text: workflowText },
    { keyword: PARAMETERS_KEYWORD, text: parametersText },
  ]);
  if (!w.ok) throw new Error(w.error);
  return withChunks(w.bytes, [
    zTXt("comment", zlibSync(latin("a compressed comment ".repeat(20)))),
    compressedITXt(REQUEST_KEYWORD, zlibSync(new TextEncoder().encode('{"prompt":"ünïcödé"}'))),
  ]);
}

function baseJpeg(): Uint8Array {
  const data = Buffer.alloc(16 * 16 * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 0xff;
  const plain = new Uint8Array(jpeg.encode({ data, width: 16, height: 16 }, 80).data);
  const w = writeImageMetadata(plain, [
    { keyword: WORKFLOW_KEYWORD, text: workflowText },
    { keyword: PARAMETERS_KEYWORD, text: parametersText },
  ]);
  if (!w.ok) throw new Error(w.error);
  return w.bytes;
}

/** A RIFF WebP with a (not decodable) VP8L chunk and an EXIF chunk as A1111 writes it. */
function baseWebp(): Uint8Array {
  const chunk = (type: string, body: Uint8Array) => {
    const head = new Uint8Array(8);
    head.set(latin(type));
    new DataView(head.buffer).setUint32(4, body.length, true);
    return [...head, ...body, ...(body.length % 2 ? [0] : [])];
  };
  const body = [
    ...latin("WEBP"),
    ...chunk("VP8L", new Uint8Array(41).fill(7)),
    ...chunk("EXIF", buildUserCommentTiff(parametersText)),
  ];
  const head = new Uint8Array(8);
  head.set(latin("RIFF"));
  new DataView(head.buffer).setUint32(4, body.length, true);
  return new Uint8Array([...head, ...body]);
}

const PNG_FILE = basePng();
const JPEG_FILE = baseJpeg();
const WEBP_FILE = baseWebp();

/** Offsets of every PNG chunk's length field, and of every JPEG segment's length field. */
function lengthFields(b: Uint8Array): number[] {
  const out: number[] = [];
  if (b[0] === 0x89) {
    for (let at = 8; at + 12 <= b.length; at += 12 + new DataView(b.buffer, b.byteOffset).getUint32(at)) out.push(at);
  } else if (b[0] === 0xff) {
    for (
      let at = 2;
      at + 4 <= b.length && b[at] === 0xff && b[at + 1] !== 0xda;
      at += 2 + ((b[at + 2] << 8) | b[at + 3])
    )
      out.push(at + 2);
  } else {
    for (let at = 12; at + 8 <= b.length; at += 8 + new DataView(b.buffer, b.byteOffset).getUint32(at + 4, true))
      out.push(at + 4);
  }
  return out;
}

/** 16 KiB of zlib that inflate to 16 MiB, far past any test file's budget: built once. */
const BOMB = zlibSync(new Uint8Array(16 * 1024 * 1024), { level: 9 });

type Mutation =
  | { kind: "byte"; at: number; value: number }
  | { kind: "length"; field: number; value: number; wide: boolean }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "duplicate"; at: number; count: number; to: number }
  | { kind: "bomb"; compressed: "zTXt" | "iTXt"; at: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("byte" as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("length" as const),
    field: fc.nat(64),
    value: fc.oneof(fc.constantFrom(0, 1, 0xffff, 0x7fffffff, 0xfffffffe, 0xffffffff), fc.nat()),
    wide: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({ kind: fc.constant("insert" as const), at: position, bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: position, count: fc.nat(256) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: position, count: fc.nat(4096), to: position }),
  fc.record({
    kind: fc.constant("bomb" as const),
    compressed: fc.constantFrom("zTXt" as const, "iTXt" as const),
    at: position,
  }),
);

function apply(file: Uint8Array, m: Mutation): Uint8Array {
  const b = file;
  const at = (p: number) => Math.floor(p * b.length);
  switch (m.kind) {
    case "byte": {
      const out = b.slice();
      out[at(m.at)] = m.value;
      return out;
    }
    case "length": {
      const fields = lengthFields(b);
      if (fields.length === 0) return b;
      const f = fields[m.field % fields.length];
      const out = b.slice();
      const view = new DataView(out.buffer);
      if (f + 4 > out.length) return out;
      if (b[0] === 0xff) view.setUint16(f, m.value & 0xffff);
      else view.setUint32(f, m.value >>> 0, b[0] !== 0x89);
      return out;
    }
    case "truncate":
      return b.slice(0, at(m.at));
    case "insert":
      return cat(b.subarray(0, at(m.at)), m.bytes, b.subarray(at(m.at)));
    case "delete":
      return cat(b.subarray(0, at(m.at)), b.subarray(at(m.at) + m.count));
    case "duplicate": {
      const piece = b.subarray(at(m.at), at(m.at) + m.count);
      return cat(b.subarray(0, at(m.to)), piece, b.subarray(at(m.to)));
    }
    case "bomb": {
      if (b[0] !== 0x89 || b.length < 33) return b;
      const chunk = m.compressed === "zTXt" ? zTXt("bomb", BOMB) : compressedITXt("bomb", BOMB);
      const fields = lengthFields(b).filter((f) => f >= 33);
      const where = fields.length ? fields[Math.floor(m.at * fields.length)] : 33;
      return cat(b.subarray(0, where), chunk, b.subarray(where));
    }
  }
}

/** The IMP-10 contract for one read. */
function expectBounded(bytes: Uint8Array, r: ReadMetadataResult): void {
  if (!r.ok) {
    expect(typeof r.error).toBe("string");
    return;
  }
  const n = bytes.length;
  // Inflation: the per-file budget (16× + 64 KiB) plus at most one 64-byte slice's output (~66 KiB).
  expect(r.stats.inflated).toBeLessThanOrEqual(16 * n + 64 * 1024 + 70 * 1024);
  // Everything else the reader visits is the file itself, a few times over.
  expect(r.stats.work - r.stats.inflated).toBeLessThanOrEqual(8 * n + 1024);
  const kept = Object.values(r.entries).reduce((sum, t) => sum + t.length, 0);
  expect(kept).toBeLessThanOrEqual(n + r.stats.inflated);
  for (const w of r.warnings) expect(typeof w).toBe("string");
}

describe("IMP-10: image metadata readers fuzzed byte by byte", () => {
  it("the unmutated files read back every entry, compressed and EXIF ones included", () => {
    const png = readImageMetadata(PNG_FILE);
    expect(png).toMatchObject({ ok: true, warnings: [] });
    if (!png.ok) return;
    expect(png.entries[WORKFLOW_KEYWORD]).toBe(workflowText);
    expect(png.entries[PARAMETERS_KEYWORD]).toBe(parametersText);
    expect(png.entries.comment).toBe("a compressed comment ".repeat(20));
    expect(png.entries[REQUEST_KEYWORD]).toBe('{"prompt":"ünïcödé"}');
    for (const file of [JPEG_FILE, WEBP_FILE]) {
      const r = readImageMetadata(file);
      expect(r).toMatchObject({ ok: true, warnings: [] });
      if (r.ok) expect(r.entries[PARAMETERS_KEYWORD]).toBe(parametersText);
    }
  });

  for (const [name, file] of [
    ["PNG", PNG_FILE],
    ["JPEG", JPEG_FILE],
    ["WebP", WEBP_FILE],
  ] as const) {
    it(`${name}: any stack of mutations never throws and stays within the work and memory bounds (property)`, () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => {
          const bytes = ms.reduce(apply, file);
          expectBounded(bytes, readImageMetadata(bytes));
        }),
        { numRuns: 250 },
      );
    });

    it(`${name}: every truncation and every length field set to 2^32−1 or 0`, () => {
      for (let n = 0; n <= file.length; n += Math.max(1, Math.floor(file.length / 400))) {
        const cut = file.slice(0, n);
        expectBounded(cut, readImageMetadata(cut));
      }
      for (const f of lengthFields(file)) {
        for (const v of [0, 0xffff, 0xffffffff]) {
          const bytes = apply(file, { kind: "length", field: lengthFields(file).indexOf(f), value: v, wide: true });
          expectBounded(bytes, readImageMetadata(bytes));
        }
      }
    });
  }

  it("PNG: zlib bombs in zTXt and iTXt (valid CRCs) stop at the budget, with a warning; fifty of them share one budget", () => {
    const one = withChunks(PNG_FILE, [zTXt("bomb", BOMB)]);
    const r = readImageMetadata(one);
    expectBounded(one, r);
    expect(r.ok && r.warnings.some((w) => /bomb.*inflates to more than/.test(w))).toBe(true);
    expect(r.ok && r.entries[WORKFLOW_KEYWORD]).toBe(workflowText);

    const many = withChunks(
      PNG_FILE,
      Array.from({ length: 50 }, (_, i) => (i % 2 ? zTXt : compressedITXt)(`b${i}`, BOMB)),
    );
    const m = readImageMetadata(many);
    expectBounded(many, m);
    expect(m.ok && m.warnings.filter((w) => w.includes("budget is spent")).length).toBeGreaterThan(40);
  });

  it("PNG: bad CRCs and corrupt zlib are skipped with a warning naming the chunk", () => {
    const bad = PNG_FILE.slice();
    const field = lengthFields(bad)[1]; // the first chunk after IHDR: ours
    bad[field + 8] ^= 0xff;
    const r = readImageMetadata(bad);
    expect(r.ok && r.warnings.some((w) => w.includes(`at byte ${field}: CRC mismatch`))).toBe(true);
    const corrupt = withChunks(PNG_FILE, [zTXt("junk", new Uint8Array([0x78, 0x9c, 0xff, 0xff, 0xff]))]);
    const c = readImageMetadata(corrupt);
    expect(c.ok && c.warnings.some((w) => w.includes('"junk"'))).toBe(true);
  });

  it("JPEG: parts claiming 999,999 siblings under many keywords cost work in proportion to the file", () => {
    const seg = (body: string) => {
      const b = latin(body);
      return [0xff, 0xfe, (b.length + 2) >> 8, (b.length + 2) & 0xff, ...b];
    };
    const bytes = new Uint8Array([
      0xff,
      0xd8,
      ...Array.from({ length: 2000 }, (_, i) => seg(`lora-graph-meta:1:k${i}:999999/999999:x`)).flat(),
      0xff,
      0xda,
      0,
      2,
      0xff,
      0xd9,
    ]);
    const r = readImageMetadata(bytes);
    expectBounded(bytes, r);
    expect(r.ok && r.warnings.filter((w) => w.includes("1 of 999999 parts present"))).toHaveLength(2000);
  });

  it("EXIF: hostile TIFF (offsets past the end, 65,535 entries, self-pointing IFDs, odd UTF-16) never throws", () => {
    const tiff = buildUserCommentTiff("Steps: 20, Sampler: Euler a, CFG scale: 7");
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(tiff.length - 1), value: fc.integer({ min: 0, max: 255 }) }), {
          maxLength: 12,
        }),
        fc.nat(tiff.length),
        (pokes, cut) => {
          const t = tiff.slice(0, Math.max(cut, 8));
          for (const p of pokes) if (p.at < t.length) t[p.at] = p.value;
          const app1 = new Uint8Array([0xff, 0xe1, 0, 0, ...latin("Exif\0\0"), ...t]);
          new DataView(app1.buffer).setUint16(2, app1.length - 2);
          const bytes = new Uint8Array([0xff, 0xd8, ...app1, 0xff, 0xda, 0, 2, 0xff, 0xd9]);
          expectBounded(bytes, readImageMetadata(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
