import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ListSource,
  MAX_WILDCARD_DEPTH,
  checkTemplate,
  countTemplate,
  expandWildcards,
  nthExpansion,
  parseTemplate,
} from "../../src/batch/wildcards";
import { createRandom, runSeed } from "../../src/batch/random";

const LISTS = {
  colors: "red\ngreen\n# a comment\n\nblue\n",
  animals: "a {small|big} fox\nan owl",
  loopA: "x __loopB__",
  loopB: "y __loopA__",
  empty: "# nothing here\n",
};

function expand(text: string, seed = 1) {
  return expandWildcards(text, LISTS, seed);
}

function all(text: string, lists: Record<string, string> = LISTS): string[] {
  const source = new ListSource(lists);
  const { parts } = parseTemplate(text);
  const n = countTemplate(parts, source);
  return Array.from({ length: n }, (_, i) => nthExpansion(parts, source, i));
}

describe("wildcards", () => {
  it("{a|b|c} picks one option, from the seed", () => {
    const r = expand("a {red|green|blue} castle");
    expect(r.ok && /^a (red|green|blue) castle$/.test(r.text)).toBe(true);
    const seen = new Set(
      Array.from({ length: 60 }, (_, s) => (expand("{red|green|blue}", s) as { text: string }).text),
    );
    expect(seen).toEqual(new Set(["red", "green", "blue"]));
  });

  it("{2$$a|b|c} picks two different options joined by a comma and a space", () => {
    for (let s = 0; s < 30; s++) {
      const r = expand("{2$$red|green|blue}", s);
      if (!r.ok) throw new Error("refused");
      const parts = r.text.split(", ");
      expect(parts).toHaveLength(2);
      expect(new Set(parts).size).toBe(2);
      for (const p of parts) expect(["red", "green", "blue"]).toContain(p);
    }
    // Asking for more than there are gives them all.
    const r = expand("{5$$a|b}", 3);
    expect(r.ok && r.text.split(", ").sort()).toEqual(["a", "b"]);
  });

  it("__list__ picks a line, skipping blank lines and # comments, and records the pick", () => {
    const seen = new Set<string>();
    for (let s = 0; s < 50; s++) {
      const r = expand("__colors__", s);
      if (!r.ok) throw new Error("refused");
      seen.add(r.text);
      expect(r.picks).toEqual([{ list: "colors", value: r.text }]);
    }
    expect(seen).toEqual(new Set(["red", "green", "blue"]));
  });

  it("a list's lines may hold wildcards of their own", () => {
    expect(all("__animals__")).toEqual(["a small fox", "a big fox", "an owl"]);
  });

  it("a cycle is refused with its path", () => {
    const r = expand("start __loopA__");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].message).toBe("wildcard cycle: __loopA__ → __loopB__ → __loopA__");
    expect(r.errors[0].list).toBe("loopB");
  });

  it("lists nested deeper than the limit are refused", () => {
    const lists: Record<string, string> = {};
    for (let i = 0; i <= MAX_WILDCARD_DEPTH; i++) lists[`l${i}`] = `__l${i + 1}__`;
    lists[`l${MAX_WILDCARD_DEPTH + 1}`] = "end";
    const r = expandWildcards("__l0__", lists, 1);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0].message).toMatch(new RegExp(`nested deeper than ${MAX_WILDCARD_DEPTH} lists: __l0__ → `));
    const shallow = expandWildcards("__l2__", lists, 1);
    expect(shallow.ok && shallow.text).toBe("end");
  });

  it("a list that matches nothing, or is empty, is refused at its line and column", () => {
    const r = expand("a castle,\nin __weather__");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ message: "__weather__ matches no wildcard list", line: 2, column: 4 }]);
    const e = expand("__empty__");
    expect(!e.ok && e.errors[0].message).toBe("the list __empty__ has no lines to pick from");
  });

  it("an unclosed { or a stray } is refused where it is; escapes are the characters", () => {
    const r = expand("ok {red|green");
    expect(!r.ok && r.errors[0]).toMatchObject({ line: 1, column: 4, message: expect.stringMatching(/never closed/) });
    const s = expand("ok }");
    expect(!s.ok && s.errors[0]).toMatchObject({ line: 1, column: 4 });
    const e = expand("\\{not a choice\\} a|b");
    expect(e.ok && e.text).toBe("{not a choice} a|b");
  });

  it("combinatorial mode lists every combination once", () => {
    expect(all("{a|b} {x|y|z}")).toEqual(["a x", "a y", "a z", "b x", "b y", "b z"]);
    expect(all("{2$$a|b|c}")).toEqual(["a, b", "a, c", "b, c"]);
    expect(all("{a|{b|c}}")).toEqual(["a", "b", "c"]);
    expect(all("plain")).toEqual(["plain"]);
  });

  it("property: the expander never throws, whatever the text and lists", () => {
    const text = fc.stringMatching(/^[{}|$_\\a-c2\n ]{0,40}$/);
    fc.assert(
      fc.property(text, fc.dictionary(fc.constantFrom("a", "b", "c"), text), fc.integer(), (t, lists, seed) => {
        const r = expandWildcards(t, lists, seed);
        expect(typeof r.ok).toBe("boolean");
        const { parts } = parseTemplate(t);
        const source = new ListSource(lists);
        if (checkTemplate(parts, source, t).ok) {
          const n = Math.min(countTemplate(parts, source), 50);
          for (let i = 0; i < n; i++) nthExpansion(parts, source, i);
        }
      }),
    );
  });

  it("property: a fixed seed gives the same draws", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.stringMatching(/^[a-z]{1,5}$/), { minLength: 1, maxLength: 5 }), { maxLength: 5 }),
        fc.integer(),
        (groups, seed) => {
          const text = groups.map((g) => `{${g.join("|")}} __colors__`).join(" ");
          const a = expand(text, seed);
          const b = expand(text, seed);
          expect(a).toEqual(b);
          expect(createRandom(runSeed(seed, 3)).sample(10, 4)).toEqual(createRandom(runSeed(seed, 3)).sample(10, 4));
        },
      ),
    );
  });

  it("property: combinatorial mode yields exactly the product of the option counts", () => {
    const groups = fc.array(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(groups, (gs) => {
        const text = gs.map((g) => `{${g.join("|")}}`).join("/");
        const expected = gs.reduce((n, g) => n * g.length, 1);
        const out = all(text, {});
        expect(out).toHaveLength(expected);
        expect(new Set(out).size).toBe(expected);
      }),
    );
  });
});
