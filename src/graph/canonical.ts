/**
 * One spelling of a JSON value: object keys sorted at every level. Saved files use it so the same
 * graph gives the same bytes, and component hashes use it so the same content gives the same hash.
 */
import { sha256 } from "./sha256";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A copy with every object's keys in sorted order; `undefined` members are dropped as JSON would. */
export function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const k of Object.keys(value).sort()) {
    if (value[k] === undefined) continue;
    // defineProperty, not assignment: a "__proto__" key in editor data must stay a plain key.
    Object.defineProperty(out, k, {
      value: sortedCopy(value[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** `JSON.stringify` of the sorted copy: equal for equal content whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value));
}

/** `sha256-<hex>` of a text's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  const hex = Array.from(sha256(new TextEncoder().encode(text)), (b) => b.toString(16).padStart(2, "0"));
  return `sha256-${hex.join("")}`;
}
