/**
 * The real executable, spawned: tsx start-up, exit codes, streams, stdin, and no stack traces.
 * Kept to a few spawns (each costs about half a second); behaviour is covered in main.test.ts.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { hangGuard } from "../harness/slowdown";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** A spawn takes ~1 s alone (tsx compiles the CLI as it loads); this only stops a hung one. */
const SPAWN_MS = hangGuard(1500);

/** Runs from a directory outside the repo, as a user's shell would. */
function lg(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmpdir(), input, encoding: "utf8", timeout: SPAWN_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /\n\s+at .+:\d+:\d+/;

describe("lora-graph executable", () => {
  it("compiles a valid workflow: JSON array on stdout, exit 0", () => {
    const r = lg(["compile", `${FIXTURES}valid-img2img.workflow.json`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({ output: "sampler", endpoint: "fal-ai/lora/image-to-image" }),
    ]);
  });

  it("reports an invalid pipeline on stderr, one line per diagnostic, exit 1", () => {
    const r = lg(["compile", `${FIXTURES}invalid-params.workflow.json`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^error invalid-param node lora_1 \(lora\) field scale: /),
      "error invalid-param node sampler (sampler) field guidance_scale: Guidance (CFG) must be at most 20",
    ]);
  });

  it("imports a request from stdin", () => {
    const r = lg(["import", "-"], JSON.stringify({ model_name: "a/b", prompt: "a cat" }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe("lora-graph/workflow");
  });

  it("exits 2 on garbage from stdin without a stack trace", () => {
    const r = lg(["validate", "-"], "\u0000\u0001garbage{{{");
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^error [a-z-]+: /);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK);
  });
});
