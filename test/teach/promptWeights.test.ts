import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzePromptWeights, type PromptSegment } from "../../src/teach/promptWeights";

/** The words CLIP reads, with their weights, ignoring whitespace-only pieces (like Compel's fragments). */
function weighted(prompt: string): [string, number][] {
  return analyzePromptWeights(prompt)
    .segments.filter((s) => s.kind !== "syntax" && s.text.trim() !== "")
    .map((s) => [s.text.trim(), Math.round(s.weight * 1e6) / 1e6]);
}

const r = (x: number) => Math.round(x * 1e6) / 1e6;

describe("analyzePromptWeights: Compel's documented syntax (doc/syntax.md, test_prompt_parser.py)", () => {
  it("+ and - weigh a single word 1.1ⁿ and 0.9ⁿ; a hyphen inside a word is text", () => {
    expect(weighted("a tall thin man picking apricots+")).toEqual([
      ["a tall thin man picking", 1],
      ["apricots", 1.1],
    ]);
    expect(weighted("fire flames++")).toEqual([
      ["fire", 1],
      ["flames", r(1.1 ** 2)],
    ]);
    expect(weighted("flowers fire-- flames")).toEqual([
      ["flowers", 1],
      ["fire", r(0.9 ** 2)],
      ["flames", 1],
    ]);
    expect(weighted("cat hot-dog eating")).toEqual([["cat hot-dog eating", 1]]);
    expect(weighted("a man picking apricots+++++ from a tree")[1]).toEqual(["apricots", r(1.1 ** 5)]);
  });

  it("brackets carry explicit weights or signs; bare brackets only group (weight 1 in Compel)", () => {
    expect(weighted("(flames)0.5")).toEqual([["flames", 0.5]]);
    expect(weighted("(fire flames)0.5")).toEqual([["fire flames", 0.5]]);
    expect(weighted("(flowers)--- flames+++")).toEqual([
      ["flowers", r(0.9 ** 3)],
      ["flames", r(1.1 ** 3)],
    ]);
    expect(weighted("(pretty flowers)+, the flames are too hot")).toEqual([
      ["pretty flowers", 1.1],
      [", the flames are too hot", 1],
    ]);
    expect(weighted('"flames"-')).toEqual([["flames", 0.9]]);
    expect(weighted("fire flames.attend(0.5)")).toEqual([
      ["fire", 1],
      ["flames", 0.5],
    ]);
    expect(weighted("fire (flames).attend(+)")).toEqual([
      ["fire", 1],
      ["flames", 1.1],
    ]);
    const bare = analyzePromptWeights("hamburger (kaiser roll)");
    expect(weighted("hamburger (kaiser roll)")).toEqual([
      ["hamburger", 1],
      ["kaiser roll", 1],
    ]);
    expect(bare.problems.join(" ")).toMatch(/only group words in Compel/);
  });

  it("nesting multiplies: fire (flames (trees)1.5)2.0 gives trees 3; (picking apricots+)++ gives apricots 1.1³", () => {
    expect(weighted("fire (flames (trees)1.5)2.0")).toEqual([
      ["fire", 1],
      ["flames", 2],
      ["trees", 3],
    ]);
    expect(weighted("a tall thin man (picking apricots+)++")).toEqual([
      ["a tall thin man", 1],
      ["picking", r(1.1 ** 2)],
      ["apricots", r(1.1 ** 3)],
    ]);
  });

  it("marks brackets, numbers and signs as syntax, at the right offsets", () => {
    const { segments } = analyzePromptWeights("a (red fox)1.2 in snow--");
    expect(segments.map((s) => [s.text, s.kind])).toEqual([
      ["a ", "text"],
      ["(", "syntax"],
      ["red fox", "text"],
      [")1.2", "syntax"],
      [" in ", "text"],
      ["snow", "text"],
      ["--", "syntax"],
    ]);
    const fox = segments[2];
    expect([fox.start, fox.end, fox.weight]).toEqual([3, 10, 1.2]);
  });

  it("reads .and() and .blend() clauses with their weights", () => {
    const blend = analyzePromptWeights('("fire", "fire flames (hot)++", "hi").blend(0.7, 0.3, 1.0)');
    expect(blend.combine).toEqual({ kind: "blend", weights: [0.7, 0.3, 1] });
    const hot = blend.segments.find((s) => s.text === "hot")!;
    expect(hot).toMatchObject({ clause: 1, weight: 1.1 ** 2, kind: "text" });
    expect(blend.segments.find((s) => s.text === "hi")).toMatchObject({ clause: 2, weight: 1 });

    const and = analyzePromptWeights(
      '("A dream of a distant galaxy, by Caspar David Friedrich", "trending on artstation, HQ").and()',
    );
    expect(and.combine).toEqual({ kind: "and", weights: [1, 1] });
    // The comma inside a quoted clause stays in that clause.
    expect(
      and.segments
        .filter((s) => s.clause === 0 && s.kind === "text")
        .map((s) => s.text)
        .join(""),
    ).toBe("A dream of a distant galaxy, by Caspar David Friedrich");
    expect(analyzePromptWeights("(mountain, man).blend()").combine).toEqual({ kind: "blend", weights: [1, 1] });
    expect(analyzePromptWeights('("fire", "flames").blend(0.7)').problems[0]).toMatch(/2 prompts but 1 weight/);
  });

  it("leaves a prompt with unbalanced brackets untouched, as Compel does, and says why", () => {
    const a = analyzePromptWeights("a badly (formed +test prompt");
    expect(a.segments).toEqual([{ text: "a badly (formed +test prompt", start: 0, end: 28, weight: 1, kind: "text" }]);
    expect(a.problems[0]).toMatch(/character 9 has no partner/);
    expect(weighted("a badly formed )test+ prompt")).toEqual([["a badly formed )test+ prompt", 1]]);
  });

  it("flags A1111's (word:1.2) as read literally and shows the Compel spelling", () => {
    const a = analyzePromptWeights("(masterpiece:1.2), a castle");
    expect(a.segments.find((s) => s.kind === "literal")?.text).toBe(":1.2");
    expect(a.segments.find((s) => s.text === "masterpiece")?.weight).toBe(1);
    expect(a.problems[0]).toMatch(/Write \(masterpiece\)1\.2/);
  });

  it("treats escaped brackets as text", () => {
    expect(weighted("\\(not weighted\\)1.5")).toEqual([
      ["(not weighted", 1],
      [")1.5", 1],
    ]);
  });
});

function checkCover(text: string, segments: PromptSegment[]): void {
  let at = 0;
  for (const s of segments) {
    expect(s.start).toBe(at);
    expect(s.end).toBeGreaterThan(s.start);
    expect(s.text).toBe(text.slice(s.start, s.end));
    expect(Number.isFinite(s.weight)).toBe(true);
    at = s.end;
  }
  expect(at).toBe(text.length);
}

describe("analyzePromptWeights never throws and always covers the text in order", () => {
  const alphabet = fc.constantFrom(...'ab ()+-.,:"\\0123456789'.split(""), ".and(", ".blend(", ".attend(", "1.2");
  it("on prompt-like strings", () => {
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }).map((a) => a.join("")),
        (text) => {
          checkCover(text, analyzePromptWeights(text).segments);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it("on arbitrary unicode and on deep nesting", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (text) => {
        checkCover(text, analyzePromptWeights(text).segments);
      }),
      { numRuns: 1000 },
    );
    const deep = "(".repeat(500) + "x" + ")1.1".repeat(500);
    const a = analyzePromptWeights(deep);
    checkCover(deep, a.segments);
    expect(a.problems.join(" ")).toMatch(/nest deeper/);
    expect(analyzePromptWeights(undefined as unknown as string).segments).toEqual([]);
  });
});
