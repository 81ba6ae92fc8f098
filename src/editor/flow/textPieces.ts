/**
 * Where far-out type breaks a word (FarTitle.tsx): apart from glance.ts, whose text the first
 * paint's canvas builds, since only the far canvas, which loads on demand, draws it
 * (docs/codebase.md#the-first-load).
 */

/** Where a file name or id may break across lines: after one of these, never inside a run of letters. */
const SEPARATOR = /[/_\-.]/;

/**
 * A word cut after each separator ("castle_v2.safetensors" → "castle_", "v2.", "safetensors"), so
 * that far-out type wraps a file name where a person would read a break. A number keeps its point
 * or dash ("0.85", "2-4"), and a run of separators stays with the piece before it.
 */
export function textPieces(word: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 1; i < word.length - 1; i++) {
    if (!SEPARATOR.test(word[i]) || SEPARATOR.test(word[i + 1])) continue;
    if (/\d/.test(word[i - 1]) && /\d/.test(word[i + 1])) continue;
    pieces.push(word.slice(start, i + 1));
    start = i + 1;
  }
  pieces.push(word.slice(start));
  return pieces;
}
