/**
 * zlib inflation with a hard output cap, for compressed PNG text (zTXt, iTXt with the
 * compression flag). A few hundred bytes of deflate can claim gigabytes, so the input is fed in
 * slices and inflation stops as soon as the output passes the cap: the work done is bounded by
 * the cap plus one 64-byte slice's worth of output (deflate expands at most 1032×), never by
 * what the stream claims. fflate is used because it inflates synchronously in both the browser and
 * Node (DecompressionStream is async-only).
 */
import { Unzlib } from "fflate";
import type { ReadStats } from "./types";

/** Deflate's largest expansion: a 258-byte match from 2 bits of codes. */
const MAX_RATIO = 1032;
/**
 * Input fed per push: as much as cannot overshoot what is left of the cap, between 64 bytes
 * (at most ~66 KiB of output past the cap) and 4 KiB (tiny pushes make fflate slow).
 */
const sliceFor = (room: number) => Math.max(64, Math.min(4096, Math.floor(room / MAX_RATIO)));

export type InflateResult =
  { ok: true; bytes: Uint8Array } | { ok: false; reason: "too-large" | "corrupt" | "truncated"; message: string };

/** Inflates zlib data, giving up once more than `cap` bytes come out. Never throws. */
export function inflateCapped(data: Uint8Array, cap: number, stats: ReadStats): InflateResult {
  // Without this, every further chunk of a file whose budget is spent would still cost a slice.
  if (cap <= 0) return { ok: false, reason: "too-large", message: "is not inflated: the file's budget is spent" };
  const parts: Uint8Array[] = [];
  let total = 0;
  let over = false;
  let ended = false;
  try {
    const stream = new Unzlib((chunk, final) => {
      total += chunk.length;
      stats.inflated += chunk.length;
      stats.work += chunk.length;
      if (total > cap) over = true;
      else parts.push(chunk);
      if (final) ended = true;
    });
    for (let at = 0, end = 0; at < data.length && !over; at = end) {
      end = Math.min(data.length, at + sliceFor(cap - total));
      stream.push(data.subarray(at, end), end === data.length);
    }
  } catch (e) {
    return { ok: false, reason: "corrupt", message: `not valid zlib data (${(e as Error)?.message ?? e})` };
  }
  if (over) return { ok: false, reason: "too-large", message: `inflates to more than ${cap} bytes` };
  if (!ended) return { ok: false, reason: "truncated", message: "the compressed data ends early" };
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { ok: true, bytes: out };
}
