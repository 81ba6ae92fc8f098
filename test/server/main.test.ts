import { afterEach, describe, expect, it } from "vitest";
import { startMain as start, stopMains } from "../harness/mainProcess";

afterEach(stopMains);

describe("npm start entry (src/server/main.ts)", () => {
  it("uses the stand-in without FAL_KEY and says so", async () => {
    const { url, output } = await start({});
    expect(output()).toContain("backend = offline STAND-IN (FAL_KEY is not set)");
    expect(await (await fetch(`${url}/api/info`)).json()).toEqual({
      backend: "standin",
      proxyPath: "/api/fal/proxy",
      workspace: true,
    });
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
