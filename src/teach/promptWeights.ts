/**
 * Reads a prompt the way Compel (the prompt-weighting library fal-ai/lora uses when
 * `prompt_weighting` is on) does, and cuts it into segments for highlighting: each character of
 * the prompt belongs to exactly one segment, in order, so the editor can colour the text in place.
 *
 * Syntax, from Compel's doc/syntax.md and its parser tests (test/test_prompt_parser.py):
 *   word+ / word++      weight 1.1 per "+"          (flames)+ , "flames"+ as well
 *   word- / word--      weight 0.9 per "-"           (a hyphen inside a word, hot-dog, is text)
 *   (words)1.3          explicit weight              (words).attend(1.3) as well
 *   (words)             grouping only: weight 1      (Compel, unlike A1111, gives bare brackets no boost)
 *   nesting multiplies  (a (b)1.5)2  → b gets 3
 *   ("a", "b").and(w1, w2)    conjunction: each clause encoded separately
 *   ("a", "b").blend(w1, w2)  blend of the clauses' embeddings
 *   \(  \)               literal brackets
 * Compel leaves a prompt with unbalanced brackets entirely untouched, and so do we. A1111's
 * `(word:1.2)` is not Compel syntax: Compel reads ":1.2" as words, which we flag.
 *
 * Never throws, whatever the input (fast-check tested).
 */

export type PromptSegmentKind =
  /** Words CLIP reads, at `weight`. */
  | "text"
  /** Markup Compel removes before encoding: brackets, weights, +/- signs, quotes, .and(…). */
  | "syntax"
  /** Text that looks like another tool's weighting syntax but is read literally here. */
  | "literal";

export interface PromptSegment {
  text: string;
  /** Offsets into the prompt, end exclusive. */
  start: number;
  end: number;
  /** Attention weight of the text (1 = normal); 1 for syntax. */
  weight: number;
  kind: PromptSegmentKind;
  /** Which clause of a top-level .and()/.blend() this belongs to (0-based); absent otherwise. */
  clause?: number;
}

export interface PromptWeightAnalysis {
  segments: PromptSegment[];
  /** Set when the whole prompt is a conjunction or blend. */
  combine?: { kind: "and" | "blend"; weights: number[] };
  /** Plain-language notes: syntax read literally, unbalanced brackets, mismatched weights. */
  problems: string[];
}

const PLUS = 1.1;
const MINUS = 0.9;
const MAX_DEPTH = 64;
const NUMBER = /^(\d+(?:\.\d*)?|\.\d+)/;
const ATTEND = /^\.attend\(\s*(\+{1,}|-{1,}|\d+(?:\.\d*)?|\.\d+)\s*\)/;

/**
 * Splits a prompt into weighted segments as Compel reads it.
 * @example
 * analyzePromptWeights("a (red fox)1.2 in snow--").segments
 * // "a " 1, "(" syntax, "red fox" 1.2, ")1.2" syntax, " in " 1, "snow" 0.81, "--" syntax
 */
export function analyzePromptWeights(prompt: string): PromptWeightAnalysis {
  const text = typeof prompt === "string" ? prompt : "";
  try {
    return new Reader(text).read();
  } catch (err) {
    // A bug here must never break the editor: fall back to "all plain text" and say so.
    return {
      segments: text ? [{ text, start: 0, end: text.length, weight: 1, kind: "text" }] : [],
      problems: [
        `Could not analyse the prompt (${err instanceof Error ? err.message : String(err)}); showing it unweighted`,
      ],
    };
  }
}

class Reader {
  private readonly out: PromptSegment[] = [];
  private readonly problems: string[] = [];
  /** match[i] = index of the bracket closing the one at i (and vice versa); -1 when unmatched. */
  private readonly match: Int32Array;
  private unbalancedAt = -1;

  constructor(private readonly s: string) {
    this.match = new Int32Array(s.length).fill(-1);
    const stack: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === "\\") {
        i++;
        continue;
      }
      if (c === "(") stack.push(i);
      else if (c === ")") {
        const open = stack.pop();
        if (open === undefined) {
          if (this.unbalancedAt < 0) this.unbalancedAt = i;
          continue;
        }
        this.match[open] = i;
        this.match[i] = open;
      }
    }
    if (stack.length && (this.unbalancedAt < 0 || stack[0] < this.unbalancedAt)) this.unbalancedAt = stack[0];
  }

  read(): PromptWeightAnalysis {
    const s = this.s;
    if (s.length === 0) return { segments: [], problems: [] };
    if (this.unbalancedAt >= 0) {
      return {
        segments: [{ text: s, start: 0, end: s.length, weight: 1, kind: "text" }],
        problems: [
          `The bracket at character ${this.unbalancedAt + 1} has no partner, so Compel reads the whole prompt as plain text with no weights. Balance the brackets, or write \\( for a literal one.`,
        ],
      };
    }
    const combine = this.readCombination();
    if (!combine) this.sequence(0, s.length, 1, undefined, 0);
    return { segments: merge(this.out), combine: combine ?? undefined, problems: this.problems };
  }

  private emit(start: number, end: number, kind: PromptSegmentKind, weight: number, clause: number | undefined): void {
    if (end <= start) return;
    const seg: PromptSegment = {
      text: this.s.slice(start, end),
      start,
      end,
      weight: kind === "syntax" ? 1 : weight,
      kind,
    };
    if (clause !== undefined) seg.clause = clause;
    this.out.push(seg);
  }

  /** `("a", "b").and(1, 2)` or `(a, b).blend()` spanning the whole prompt. */
  private readCombination(): { kind: "and" | "blend"; weights: number[] } | null {
    const s = this.s;
    const tail = /\.(and|blend)\(([^()]*)\)\s*$/.exec(s);
    if (!tail) return null;
    let first = 0;
    while (first < s.length && /\s/.test(s[first])) first++;
    const close = tail.index - 1;
    if (s[first] !== "(" || s[close] !== ")" || this.match[first] !== close) return null;
    const kind = tail[1] as "and" | "blend";
    const parts = this.splitTopLevel(first + 1, close);
    this.emit(0, first + 1, "syntax", 1, undefined);
    parts.forEach(([a, b], clause) => {
      if (clause > 0) this.emit(parts[clause - 1][1], a, "syntax", 1, undefined); // the comma
      let lo = a;
      let hi = b;
      while (lo < hi && /\s/.test(s[lo])) lo++;
      while (hi > lo && /\s/.test(s[hi - 1])) hi--;
      this.emit(a, lo, "text", 1, clause);
      if (hi - lo >= 2 && s[lo] === '"' && s[hi - 1] === '"') {
        this.emit(lo, lo + 1, "syntax", 1, clause);
        this.sequence(lo + 1, hi - 1, 1, clause, 1);
        this.emit(hi - 1, hi, "syntax", 1, clause);
      } else this.sequence(lo, hi, 1, clause, 1);
      this.emit(hi, b, "text", 1, clause);
    });
    this.emit(close, s.length, "syntax", 1, undefined);
    const args = tail[2]
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x && x !== "no_normalize");
    let weights = args.map(Number);
    if (weights.some((w) => !Number.isFinite(w))) {
      this.problems.push(`.${kind}() takes numbers, got "${tail[2].trim()}"`);
      weights = [];
    }
    if (weights.length === 0) weights = parts.map(() => 1);
    else if (weights.length !== parts.length) {
      this.problems.push(
        `.${kind}() has ${parts.length} prompt${parts.length === 1 ? "" : "s"} but ${weights.length} weight${weights.length === 1 ? "" : "s"}; Compel refuses this, give one weight per prompt`,
      );
    }
    return { kind, weights };
  }

  /** Comma-separated ranges between lo and hi, ignoring commas inside brackets or quotes. */
  private splitTopLevel(lo: number, hi: number): [number, number][] {
    const s = this.s;
    const parts: [number, number][] = [];
    let start = lo;
    let quoted = false;
    for (let i = lo; i < hi; i++) {
      const c = s[i];
      if (c === "\\") i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === "(" && this.match[i] > i) i = this.match[i];
      else if (!quoted && c === ",") {
        parts.push([start, i]);
        start = i + 1;
      }
    }
    parts.push([start, hi]);
    return parts;
  }

  /** A weight suffix right after a group: 1.3, +++, --, .attend(0.5). Returns its length and factor. */
  private suffix(at: number, hi: number): { len: number; factor: number } | null {
    const rest = this.s.slice(at, Math.min(hi, at + 40));
    let m = /^\++/.exec(rest);
    if (m) return { len: m[0].length, factor: PLUS ** m[0].length };
    m = /^-+/.exec(rest);
    if (m) return { len: m[0].length, factor: MINUS ** m[0].length };
    m = NUMBER.exec(rest);
    if (m) return { len: m[0].length, factor: this.finite(Number(m[0])) };
    m = ATTEND.exec(rest);
    if (m) {
      const arg = m[1];
      const factor =
        arg[0] === "+" ? PLUS ** arg.length : arg[0] === "-" ? MINUS ** arg.length : this.finite(Number(arg));
      return { len: m[0].length, factor };
    }
    return null;
  }

  private finite(n: number): number {
    if (Number.isFinite(n)) return n;
    this.problems.push("A weight is too large to be a number; it is read as 1");
    return 1;
  }

  /** Weighted text between lo and hi at the inherited weight. */
  private sequence(lo: number, hi: number, weight: number, clause: number | undefined, depth: number): void {
    const s = this.s;
    if (depth > MAX_DEPTH) {
      this.emit(lo, hi, "text", weight, clause);
      if (!this.problems.some((p) => p.startsWith("Brackets nest")))
        this.problems.push(`Brackets nest deeper than ${MAX_DEPTH} levels; the innermost are shown unweighted`);
      return;
    }
    let i = lo;
    while (i < hi) {
      const c = s[i];
      if (c === "\\" && i + 1 < hi) {
        this.emit(i, i + 1, "syntax", weight, clause);
        this.emit(i + 1, i + 2, "text", weight, clause);
        i += 2;
      } else if (c === "(" && this.match[i] > i && this.match[i] < hi) {
        const close = this.match[i];
        const suf = this.suffix(close + 1, hi);
        const inner = s.slice(i + 1, close);
        const a1111 = !suf ? /^(.*?)(:\s*-?\d*\.?\d+\s*)$/s.exec(inner) : null;
        this.emit(i, i + 1, "syntax", weight, clause);
        if (a1111) {
          this.sequence(i + 1, i + 1 + a1111[1].length, weight, clause, depth + 1);
          this.emit(i + 1 + a1111[1].length, close, "literal", weight, clause);
          this.problems.push(
            `"(${inner})" is A1111/ComfyUI syntax; Compel reads "${a1111[2].trim()}" as words. Write (${a1111[1].trim()})${a1111[2].replace(/[:\s]/g, "")} instead.`,
          );
        } else {
          if (!suf && !this.problems.some((p) => p.startsWith("Bare brackets"))) {
            this.problems.push(
              "Bare brackets such as (" +
                inner.slice(0, 30) +
                ") only group words in Compel (weight 1); A1111 would read them as 1.1. Add a weight: (" +
                inner.slice(0, 30) +
                ")1.1 or +.",
            );
          }
          this.sequence(i + 1, close, weight * (suf?.factor ?? 1), clause, depth + 1);
        }
        const end = close + 1 + (suf?.len ?? 0);
        this.emit(close, end, "syntax", weight, clause);
        i = end;
      } else if (c === '"') {
        const close = s.indexOf('"', i + 1);
        const suf = close > 0 && close < hi ? this.suffix(close + 1, hi) : null;
        if (suf) {
          this.emit(i, i + 1, "syntax", weight, clause);
          this.sequence(i + 1, close, weight * suf.factor, clause, depth + 1);
          this.emit(close, close + 1 + suf.len, "syntax", weight, clause);
          i = close + 1 + suf.len;
        } else {
          this.emit(i, i + 1, "text", weight, clause);
          i++;
        }
      } else if (c === "(" || c === ")" || c === "," || /\s/.test(c)) {
        this.emit(i, i + 1, "text", weight, clause);
        i++;
      } else {
        i = this.word(i, hi, weight, clause);
      }
    }
  }

  /** A word, with an optional trailing +/- run or .attend(…). Returns where it ends. */
  private word(lo: number, hi: number, weight: number, clause: number | undefined): number {
    const s = this.s;
    let j = lo;
    while (j < hi && !/[\s(),"\\]/.test(s[j])) {
      if (s[j] === "." && ATTEND.test(s.slice(j, Math.min(hi, j + 40)))) break;
      j++;
    }
    if (j === lo) {
      // A lone character the loop above stops at (a trailing backslash): plain text.
      this.emit(lo, lo + 1, "text", weight, clause);
      return lo + 1;
    }
    // .attend(…) directly after the word
    if (j < hi && s[j] === ".") {
      const suf = this.suffix(j, hi)!;
      this.emit(lo, j, "text", weight * suf.factor, clause);
      this.emit(j, j + suf.len, "syntax", weight, clause);
      return j + suf.len;
    }
    let k = j;
    const sign = s[j - 1];
    if (sign === "+" || sign === "-") while (k > lo && s[k - 1] === sign) k--;
    // A run of signs weights the word only if the word has letters before it and it ends the word.
    if (k < j && k > lo && (j === hi || /[\s,)]/.test(s[j]) || j === s.length)) {
      const n = j - k;
      this.emit(lo, k, "text", weight * (sign === "+" ? PLUS ** n : MINUS ** n), clause);
      this.emit(k, j, "syntax", weight, clause);
    } else this.emit(lo, j, "text", weight, clause);
    return j;
  }
}

function merge(segments: PromptSegment[]): PromptSegment[] {
  const out: PromptSegment[] = [];
  for (const seg of segments) {
    const last = out[out.length - 1];
    if (
      last &&
      last.kind === seg.kind &&
      last.weight === seg.weight &&
      last.clause === seg.clause &&
      last.end === seg.start
    ) {
      last.text += seg.text;
      last.end = seg.end;
    } else out.push({ ...seg });
  }
  return out;
}
