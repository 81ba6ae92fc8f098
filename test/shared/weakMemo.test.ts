// weakMemo and weakMemo2 (src/shared/weakMemo.ts): each key's value is computed once and kept,
// `undefined` included, and values of one key never answer for another.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { weakMemo, weakMemo2 } from "../../src/shared/weakMemo.ts";

describe("weakMemo", () => {
  it("computes once per key object, and each key gets its own value", () => {
    const calls: object[] = [];
    const size = weakMemo((xs: readonly number[]) => (calls.push(xs), { n: xs.length }));
    const a = [1, 2];
    const b = [1, 2];
    expect(size(a)).toBe(size(a));
    expect(size(b)).toEqual({ n: 2 });
    expect(size(b)).not.toBe(size(a));
    expect(calls).toEqual([a, b]);
  });

  it("keeps a value that is undefined instead of computing it again", () => {
    let calls = 0;
    const none = weakMemo((_: object) => void calls++);
    const k = {};
    none(k);
    none(k);
    expect(calls).toBe(1);
  });
});

describe("weakMemo2", () => {
  it("answers every (key, sub) pair as the function would, computing each pair once", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.constantFrom("a", "b", undefined, 0))), (asks) => {
        const keys = [[1], [2], [3], [4]];
        const calls = new Map<string, number>();
        const f = weakMemo2((k: number[], sub: string | number | undefined) => {
          const id = `${k[0]}/${String(sub)}`;
          calls.set(id, (calls.get(id) ?? 0) + 1);
          return sub === undefined ? undefined : id;
        });
        for (const [i, sub] of asks)
          expect(f(keys[i], sub)).toBe(sub === undefined ? undefined : `${keys[i][0]}/${String(sub)}`);
        expect([...calls.values()].every((n) => n === 1)).toBe(true);
      }),
    );
  });
});
