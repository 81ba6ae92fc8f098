// PRX-04: the per-client rate limit is configurable from the environment of `npm start`, its
// 429 is JSON with Retry-After, and one client hammering it does not flood the log.
import { afterEach, describe, expect, it } from "vitest";
import { startMain as start, stopMains } from "../harness/mainProcess.ts";
import { parseBucket } from "../../src/server/rateLimit.ts";
import { startServer } from "../harness/server.ts";

afterEach(stopMains);

const submit = (url: string) =>
  fetch(`${url}/api/fal/proxy`, {
    method: "POST",
    headers: { "x-fal-target-url": "https://queue.fal.run/fal-ai/lora", "content-type": "application/json" },
    body: JSON.stringify({ model_name: "a/b", prompt: "p" }),
  });

describe("PRX-04 configurable per-client rate limit", () => {
  it("PRX-04 budgets parse as <burst>,<per-second>; anything else names the problem", () => {
    expect(parseBucket("20,0.333")).toEqual({ capacity: 20, refillPerSecond: 0.333 });
    expect(parseBucket(" 5 , 2 ")).toEqual({ capacity: 5, refillPerSecond: 2 });
    expect(parseBucket("0,1")).toMatch(/burst must be/);
    expect(parseBucket("5,0")).toMatch(/per-second must be/);
    expect(parseBucket("5")).toMatch(/expected "<burst>,<per-second>"/);
    expect(parseBucket("-1,1")).toMatch(/expected/);
  });

  it("PRX-04 PROXY_RATE_LIMIT_SUBMIT sets the submit budget of npm start; the 429 is JSON with Retry-After", async () => {
    const { url } = await start({ PROXY_RATE_LIMIT_SUBMIT: "1,0.01" });
    expect((await submit(url!)).status).toBe(200);
    const refused = await submit(url!);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(60);
    expect(await refused.json()).toMatchObject({
      error: { code: "rate_limited", message: expect.stringMatching(/Too many submit requests; retry in \d+ s\./) },
    });
  });

  it("PRX-04 a malformed budget stops npm start with a message naming the variable", async () => {
    const r = await start({ PROXY_RATE_LIMIT_POLL: "lots" });
    expect(r.code).toBe(2);
    expect(r.output()).toContain('PROXY_RATE_LIMIT_POLL: expected "<burst>,<per-second>"');
  });

  it("PRX-04 a client hammering the limiter gets one log line per minute, not one per request", async () => {
    const srv = await startServer({
      limits: {
        rateLimit: { submit: { capacity: 1, refillPerSecond: 0.001 }, poll: { capacity: 100, refillPerSecond: 1 } },
      },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await submit(srv.url)).status);
      expect(statuses.filter((s) => s === 429)).toHaveLength(29);
      expect(srv.logs.filter((l) => l.includes("rate limit"))).toHaveLength(1);
    } finally {
      await srv.close();
    }
  });
});
