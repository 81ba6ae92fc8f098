/**
 * The 30 reliability and security cases of reliability.md §6. A test covers a case when the id
 * appears in its name (describe + it); the reporter and the catalogue test key on exactly that.
 */
export interface ReliabilityCase {
  id: string;
  title: string;
}

export const CASES: readonly ReliabilityCase[] = [
  { id: "IMP-01", title: "malformed file" },
  { id: "IMP-02", title: "schema violations with paths" },
  { id: "IMP-03", title: "prototype pollution" },
  { id: "IMP-04", title: "deep nesting" },
  { id: "IMP-05", title: "huge files (caps, no long task)" },
  { id: "IMP-06", title: "XSS in strings" },
  { id: "IMP-07", title: "versions & round trip" },
  { id: "IMP-08", title: "no automatic fetch" },
  { id: "AUTO-01", title: "reload" },
  { id: "AUTO-02", title: "hard kill / crashed tab" },
  { id: "AUTO-03", title: "storage full" },
  { id: "AUTO-04", title: "corrupt autosave" },
  { id: "AUTO-05", title: "two tabs" },
  { id: "AUTO-06", title: "destructive actions" },
  { id: "AUTO-07", title: "undo/redo model test" },
  { id: "CMP-01", title: "invalid graphs never throw" },
  { id: "CMP-02", title: "URL and data-URI fields" },
  { id: "CMP-03", title: "output contract (property)" },
  { id: "CMP-04", title: "server 422 mapping" },
  { id: "PRX-01", title: "allowlist table" },
  { id: "PRX-02", title: "malformed target never crashes" },
  { id: "PRX-03", title: "auth & header hygiene" },
  { id: "PRX-04", title: "limits (413, 504, redirects, slowloris, rate)" },
  { id: "PRX-05", title: "key never leaks" },
  { id: "EXE-01", title: "fault matrix" },
  { id: "EXE-02", title: "reload mid-run" },
  { id: "EXE-03", title: "cancel" },
  { id: "EXE-04", title: "offline and flaky network" },
  { id: "LOAD-01", title: "proxy soak" },
  { id: "LOAD-02", title: "editor at 500 nodes / 1000 edges" },
];

/** Matches a case id as a whole token, so "IMP-0" or "IMP-011" never count as "IMP-01". */
export function idPattern(id: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9-])${id}(?![0-9])`);
}

/** The ids a test name carries. */
export function idsIn(name: string): string[] {
  return CASES.filter((c) => idPattern(c.id).test(name)).map((c) => c.id);
}
