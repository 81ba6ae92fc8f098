/**
 * Deterministic placeholder images for the stand-in: a seed- and prompt-derived gradient with
 * a coarse pattern, stamped "STAND-IN", the seed and the size so nobody mistakes them for output.
 */
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { drawText, fillRect, textWidth, GLYPH_HEIGHT } from "./font.ts";

export type ImageFormat = "png" | "jpeg";

export interface PlaceholderSpec {
  width: number;
  height: number;
  seed: number;
  /** hash32 of the prompt: the colours follow the prompt without keeping it. */
  promptHash: number;
  /** Index within a batch, so images of one request differ. */
  index: number;
  format: ImageFormat;
}

export interface EncodedImage {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/** 32-bit FNV-1a, for a stable per-prompt colour. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/** Raw RGBA pixels of the placeholder (exported for tests that check determinism). */
export function renderPlaceholder(spec: Omit<PlaceholderSpec, "format">): Uint8Array {
  const { width, height, seed, promptHash, index } = spec;
  const rand = mulberry32((seed ^ promptHash ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const c1 = hsl(rand() * 360, 0.55, 0.45);
  const c2 = hsl(rand() * 360, 0.55, 0.6);
  const cell = Math.max(8, Math.round(Math.min(width, height) / (6 + Math.floor(rand() * 6))));
  const rgba = new Uint8Array(width * height * 4);

  // Colours change only per 8-pixel block (cheap to compute, compresses well); each block row
  // is computed once and copied down.
  const block = 8;
  const row = new Uint8Array(width * 4);
  for (let by = 0; by < height; by += block) {
    const ty = by / Math.max(1, height - 1);
    for (let bx = 0; bx < width; bx += block) {
      const t = (bx / Math.max(1, width - 1) + ty) / 2;
      const checker = (Math.floor(bx / cell) + Math.floor(by / cell)) % 2 === 0 ? 1 : 0.86;
      const r = Math.round((c1[0] + (c2[0] - c1[0]) * t) * checker);
      const g = Math.round((c1[1] + (c2[1] - c1[1]) * t) * checker);
      const b = Math.round((c1[2] + (c2[2] - c1[2]) * t) * checker);
      const end = Math.min(width, bx + block);
      for (let x = bx; x < end; x++) {
        const o = x * 4;
        row[o] = r;
        row[o + 1] = g;
        row[o + 2] = b;
        row[o + 3] = 255;
      }
    }
    const endY = Math.min(height, by + block);
    for (let y = by; y < endY; y++) rgba.set(row, y * width * 4);
  }

  const lines = ["STAND-IN", `SEED ${seed}`, `${width}X${height}${index > 0 ? ` #${index + 1}` : ""}`];
  const longest = Math.max(...lines.map(textWidth));
  const scale = Math.max(1, Math.floor((width * 0.8) / longest / 1.5));
  const lineH = (GLYPH_HEIGHT + 3) * scale;
  const boxW = Math.min(width, longest * scale + 4 * scale);
  const boxH = Math.min(height, lines.length * lineH + 2 * scale);
  const x0 = Math.floor((width - boxW) / 2);
  const y0 = Math.floor((height - boxH) / 2);
  fillRect(rgba, width, height, x0, y0, boxW, boxH, [20, 20, 24]);
  lines.forEach((line, i) => {
    const lx = x0 + Math.floor((boxW - textWidth(line) * scale) / 2);
    drawText(
      rgba,
      width,
      height,
      line,
      lx,
      y0 + 2 * scale + i * lineH,
      scale,
      i === 0 ? [255, 214, 64] : [240, 240, 240],
    );
  });
  return rgba;
}

export function encodePlaceholder(spec: PlaceholderSpec): EncodedImage {
  const rgba = renderPlaceholder(spec);
  const { width, height } = spec;
  if (spec.format === "jpeg") {
    const out = jpeg.encode({ data: rgba, width, height }, 70);
    return { bytes: Buffer.from(out.data), contentType: "image/jpeg", width, height };
  }
  const png = new PNG({ width, height, deflateLevel: 1, filterType: 1, colorType: 6 });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return { bytes: PNG.sync.write(png, { deflateLevel: 1, filterType: 1 }), contentType: "image/png", width, height };
}
