// LOAD-01 in CI: the bounded soak of test/reliability/load01.ts at CI size (100 clients + one
// abusive client for 20 s against a fake fal at 200 ms / 1 % 503, loopback only). It runs in its
// own vitest project after every other test file (vite.config.ts), so the latency it measures is
// the proxy's, not that of property tests running next to it. The 30-minute soak is
// `node --import tsx test/reliability/load01.ts --long`. On an oversubscribed machine a latency
// over budget is reported as inconclusive rather than judged (see BUSY_DIRECT_P99_MS).
import { describe, expect, it } from "vitest";
import { TEST_TIMEOUT_MS } from "../harness/slowdown.ts";
import { busy, CI_OPTIONS, formatReport, runLoad01, verdicts } from "./load01.ts";

describe("LOAD-01 proxy soak", () => {
  it(
    "LOAD-01 100 polling clients for 20 s: no proxy 5xx, p99 added < 50 ms, memory flat, 429s only for the abusive client",
    async () => {
      const report = await runLoad01(CI_OPTIONS);
      console.log(formatReport(report));
      if (verdicts(report).some((v) => v.inconclusive))
        console.warn(
          "LOAD-01: the machine was too busy for the latency budget to be judged; run it on an idle machine.",
        );
      // A sample-size floor, not a throughput budget: on an idle machine each client is forwarded
      // ~20 polls after warm-up, so fewer than 10 means the proxy is stalling. Beside ~20 other
      // processes (load 20 on 2 cores) a correct proxy forwarded 960, so there the floor is one
      // forwarded poll per client, which a stalled proxy still misses.
      const floor = busy(report) ? CI_OPTIONS.clients : CI_OPTIONS.clients * 10;
      expect(report.forwarded).toBeGreaterThan(floor);
      const failed = verdicts(report).filter((v) => !v.pass);
      expect(failed).toEqual([]);
    },
    // A hang guard: a call in flight at the end waits up to its client timeout, which grows with
    // the load (load01.ts, CLIENT_TIMEOUT_MS).
    Math.max(TEST_TIMEOUT_MS, (CI_OPTIONS.seconds + 40) * 1000),
  );
});
