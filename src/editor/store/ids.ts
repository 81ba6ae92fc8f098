/** Short random ids; collisions are checked by the caller against the document anyway. */
export type IdFactory = (prefix: string) => string;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export const randomId: IdFactory = (prefix) => {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
};

/** Deterministic ids for tests: prefix_1, prefix_2, … */
export function counterIds(): IdFactory {
  let n = 0;
  return (prefix) => `${prefix}_${++n}`;
}

/** A new id from `makeId` that is not in `taken`, and is then added to it. */
export function freshId(makeId: IdFactory, prefix: string, taken: Set<string>): string {
  let id = makeId(prefix);
  while (taken.has(id)) id = makeId(prefix);
  taken.add(id);
  return id;
}
