#!/usr/bin/env node
// Lists commits whose subject is longer than 72 characters (docs/codebase.md#habits), so a
// subject reads whole in `git log --oneline` and in review tools. Not part of CI: run it before
// landing a branch.
//
//   node .ci/check-commit-subjects.mjs            # commits on this branch not on main
//   node .ci/check-commit-subjects.mjs 37b2ff8    # commits since that one
import { execFileSync } from "node:child_process";

const MAX = 72;
const base = process.argv[2] ?? "main";
const log = execFileSync("git", ["log", "--format=%h%x09%s", `${base}..HEAD`], { encoding: "utf8" });
const long = log
  .split("\n")
  .filter(Boolean)
  .map((line) => line.split("\t"))
  .filter(([, subject]) => [...subject].length > MAX);

for (const [hash, subject] of long) console.log(`${hash}  ${[...subject].length} chars  ${subject}`);
if (long.length > 0) {
  console.log(
    `\n${long.length} subject(s) over ${MAX} characters: keep the subject short, put the detail in the body.`,
  );
  process.exitCode = 1;
} else {
  console.log(`All subjects since ${base} fit in ${MAX} characters.`);
}
