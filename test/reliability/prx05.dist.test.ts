// PRX-05: the key never reaches the browser. The editor is built with a canary FAL_KEY (and the
// other names a careless config might expose) in the environment; no file of the build, source
// maps included, may contain the canary.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CANARY = `fal-canary-dist-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
let outDir = "";

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

describe("PRX-05 key never leaks into the build", () => {
  it("PRX-05 a build made with FAL_KEY=<canary> in the environment has 0 occurrences in dist/** including source maps", async () => {
    outDir = await mkdtemp(join(tmpdir(), "lora-graph-canary-dist-"));
    const output = await new Promise<string>((res, rej) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, "node_modules/vite/bin/vite.js"),
          "build",
          "--outDir",
          outDir,
          "--emptyOutDir",
          "--logLevel",
          "warn",
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            FAL_KEY: CANARY,
            FAL_KEY_ID: CANARY,
            FAL_KEY_SECRET: CANARY,
            VITE_FAL_KEY: CANARY,
            NODE_ENV: "production",
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("exit", (code) => (code === 0 ? res(out) : rej(new Error(`vite build exited with ${code}:\n${out}`))));
    });
    expect(output).not.toContain(CANARY);
    const all = await files(outDir);
    expect(all.some((f) => f.endsWith(".js.map"))).toBe(true);
    expect(all.some((f) => f.endsWith("index.html"))).toBe(true);
    const hits: string[] = [];
    for (const f of all) {
      const bytes = await readFile(f);
      if (bytes.includes(CANARY) || bytes.includes(Buffer.from(CANARY).toString("base64"))) hits.push(f);
    }
    expect(hits).toEqual([]);
  }, 180_000);
});
