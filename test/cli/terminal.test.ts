/**
 * CLI-02: whatever a workflow file (or a proxy) holds is printed as text, never as terminal
 * commands. Human output shows control characters as visible escapes; --json output keeps
 * the values exactly (JSON.parse gives back the original strings).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { memoryCli } from "./memoryCli";
import { terminalText } from "../../src/cli/terminal";

const INVALID = readFileSync(
  fileURLToPath(new URL("./fixtures/invalid-params.workflow.json", import.meta.url)),
  "utf8",
);

/** What a terminal acts on: C0 except tab and newline, DEL, C1, and bidi overrides/isolates. */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const CLEAR = "\u001b[2J";
const TITLE = "\u001b]0;pwned\u0007";
const HIDE = "\u001b[8m";

/** The fixture with a hostile id on lora_1 and a hostile type and label on controlnet_1. */
function hostile(
  id = `lora${CLEAR}${TITLE}`,
  type = `evil${HIDE}hidden\u009b2J`,
  label = "a\u202eexe.txt\rok",
): string {
  const doc = JSON.parse(INVALID);
  for (const n of doc.nodes) {
    if (n.id === "lora_1") n.id = id;
    else if (n.id === "controlnet_1") Object.assign(n, { type, label });
  }
  for (const e of doc.edges) for (const end of ["source", "target"]) if (e[end] === "lora_1") e[end] = id;
  return JSON.stringify(doc);
}

const cli = (argv: string[], file: string, tty = false) => memoryCli(argv, { "w.json": file }, { tty });

describe("CLI-02: terminal control characters in human output", () => {
  it("validate shows hostile node ids and types as escapes, one diagnostic per line", async () => {
    const r = await cli(["validate", "w.json"], hostile());
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(r.stdout).toContain("node lora\\u001b[2J\\u001b]0;pwned\\u0007 (lora) field scale:");
    expect(r.stdout).toContain("evil\\u001b[8mhidden\\u009b2J");
    for (const line of r.stdout.trimEnd().split("\n")) expect(line).toMatch(/^(error|warning|info) [a-z-]+ /);
  });

  it("compile and the usage errors escape them on stderr too", async () => {
    const compiled = await cli(["compile", "w.json"], hostile());
    expect(compiled.code).toBe(1);
    expect(compiled.stderr).toContain("lora\\u001b[2J");
    expect(compiled.stderr).not.toMatch(TERMINAL_CONTROL);
    const usage = await cli(["validate", `x${CLEAR}.json`], "");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("lora-graph: cannot read x\\u001b[2J.json: no such file\n");
    const explain = await cli(["explain", `lora${TITLE}`], "");
    expect(explain.stderr).toMatch(/^lora-graph: unknown node type "lora\\u001b\]0;pwned\\u0007"; /);
  });

  it("a newline or carriage return inside an id cannot fake a line of its own", async () => {
    const r = await cli(["validate", "w.json"], hostile("lora\nerror fake node x: forged\r"));
    expect(r.stdout).not.toMatch(/^error fake/m);
    expect(r.stdout).toContain("node lora\\u000aerror fake node x: forged\\u000d (lora)");
  });

  it("--json keeps every value exactly as the file has it", async () => {
    const r = await cli(["validate", "--json", "w.json"], hostile());
    expect(r.stdout).not.toMatch(TERMINAL_CONTROL);
    const { diagnostics } = JSON.parse(r.stdout) as { diagnostics: { nodeId?: string; nodeType?: string }[] };
    expect(diagnostics.map((d) => d.nodeId)).toContain(`lora${CLEAR}${TITLE}`);
    expect(diagnostics.map((d) => d.nodeType)).toContain(`evil${HIDE}hidden\u009b2J`);
  });

  it("any id, type or label: nothing a terminal acts on is printed; --json keeps the id", async () => {
    const text = fc.string({ unit: "binary", minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(text, text, text, async (id, type, label) => {
        fc.pre(!["base_model", "prompt", "sampler", "controlnet_1"].includes(id));
        const file = hostile(id, type, label);
        for (const argv of [
          ["validate", "w.json"],
          ["compile", "w.json"],
        ]) {
          const r = await cli(argv, file);
          expect(r.stdout + r.stderr).not.toMatch(TERMINAL_CONTROL);
        }
        const json = await cli(["validate", "--json", "w.json"], file);
        expect(json.stdout).not.toMatch(TERMINAL_CONTROL);
        const { diagnostics } = JSON.parse(json.stdout) as {
          diagnostics: { code: string; field?: string; nodeId?: string }[];
        };
        expect(diagnostics.find((d) => d.code === "invalid-param" && d.field === "scale")?.nodeId).toBe(id);
      }),
      { numRuns: 60 },
    );
  });

  it("the escape is lossless inside JSON: parsing gives back every string", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        const json = JSON.stringify({ value, text }, null, 2);
        expect(JSON.parse(terminalText(json))).toEqual(JSON.parse(json));
      }),
    );
  });
});
