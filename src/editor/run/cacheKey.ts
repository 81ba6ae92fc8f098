/**
 * JSON with object keys sorted at every level, so two equal requests built in a different key
 * order get the same cache key.
 * @example stableStringify({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : stableStringify(v))).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(",")}}`;
}

export function cacheKeyOf(endpoint: string, input: Record<string, unknown>): string {
  return stableStringify({ endpoint, input });
}

/** Only a request with a fixed seed can give the same picture again, so only those are offered from cache. */
export function hasFixedSeed(input: Record<string, unknown>): boolean {
  return typeof input.seed === "number" && Number.isFinite(input.seed);
}
