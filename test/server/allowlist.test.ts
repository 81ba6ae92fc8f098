import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { classifyTarget } from "../../src/server/allowlist.ts";

import { ALLOWED, HOSTILE, ID, Q } from "./targets.ts";

describe("classifyTarget", () => {
  it.each(HOSTILE)("PRX-01 refuses %s %j (%s)", (method, target) => {
    const d = classifyTarget(target, method);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.status).toBeGreaterThanOrEqual(400);
      expect(d.status).toBeLessThan(500);
      expect(d.message.length).toBeGreaterThan(10);
    }
  });

  it.each(ALLOWED)("PRX-01 allows %s %s as %s", (method, target, op) => {
    const d = classifyTarget(target, method);
    expect(d).toMatchObject({ ok: true, op });
  });

  it("extracts request id, logs flag, endpoint and webhook", () => {
    expect(classifyTarget(`${Q}/fal-ai/lora/requests/${ID}/status?logs=1`, "GET")).toMatchObject({
      requestId: ID,
      logs: true,
    });
    expect(classifyTarget(`${Q}/fal-ai/lora/inpaint?fal_webhook=http%3A%2F%2F127.0.0.1%3A9%2Fh`, "POST")).toMatchObject(
      {
        endpoint: "fal-ai/lora/inpaint",
        webhook: "http://127.0.0.1:9/h",
      },
    );
  });

  it("PRX-02 never throws, and whatever it allows is an exact https fal-ai/lora or storage URL", () => {
    const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    const target = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .tuple(
          fc.constantFrom(`${Q}/fal-ai/lora`, "https://fal.run/fal-ai/lora", "https://rest.fal.ai/storage/upload/"),
          fc.string({ maxLength: 60 }),
        )
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(target, method, (t, m) => {
        const d = classifyTarget(t, m);
        if (!d.ok) return;
        const u = new URL(t);
        expect(t.startsWith("https://")).toBe(true);
        expect(["queue.fal.run", "fal.run", "rest.fal.ai"]).toContain(u.hostname);
        expect(u.username + u.password + u.port + u.hash).toBe("");
        if (u.hostname !== "rest.fal.ai") expect(u.pathname.startsWith("/fal-ai/lora")).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
