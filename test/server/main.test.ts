import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGTERM");
});

/** Start `src/server/main.ts` as `npm start` does (minus the build) and wait for its URL. */
function start(env: Record<string, string>): Promise<{ url: string; output: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: { ...process.env, FAL_KEY: "", FAL_STANDIN: "", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /proxy at (http:\/\/[^\s)]+)\/api\/fal\/proxy/.exec(out);
      if (m && /backend = /.test(out)) {
        clearTimeout(timer);
        resolve({ url: m[1], output: () => out });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

describe("npm start entry (src/server/main.ts)", () => {
  it("uses the stand-in without FAL_KEY and says so", async () => {
    const { url, output } = await start({});
    expect(output()).toContain("backend = offline STAND-IN (FAL_KEY is not set)");
    expect(await (await fetch(`${url}/api/info`)).json()).toEqual({ backend: "standin", proxyPath: "/api/fal/proxy" });
  });

  it("uses real fal with FAL_KEY, never printing the key; FAL_STANDIN=1 forces the stand-in", async () => {
    const canary = `fal-canary-${Date.now()}`;
    const real = await start({ FAL_KEY: canary });
    expect(real.output()).toContain("backend = real fal");
    expect(await (await fetch(`${real.url}/api/info`)).json()).toMatchObject({ backend: "fal" });
    const forced = await start({ FAL_KEY: canary, FAL_STANDIN: "1" });
    expect(forced.output()).toContain("FAL_STANDIN=1");
    expect(real.output() + forced.output()).not.toContain(canary);
  });
});
