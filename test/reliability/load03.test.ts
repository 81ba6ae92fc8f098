// LOAD-03 in CI: the stream-and-poll soak of test/reliability/load03.ts at CI size (40 status
// streams + 10 polling clients for 6 s against the stand-in, loopback only). The full run, 1,000
// streams + 200 pollers for 5 minutes, is `npm run soak` on a quiet machine (not run in CI).
// Latency is reported, not judged: on a shared machine it says more about the neighbours.
import { describe, expect, it } from "vitest";
import { CI_OPTIONS03, formatReport03, runLoad03, verdicts03 } from "./load03.ts";

describe("LOAD-03 stand-in streams and polls", () => {
  it(
    "LOAD-03 status streams and polling clients: every job's result fetched exactly once, fds back to the start",
    async () => {
      const report = await runLoad03(CI_OPTIONS03);
      console.log(formatReport03(report));
      expect(report.submitted).toBeGreaterThan(CI_OPTIONS03.streams);
      expect(verdicts03(report).filter((v) => !v.pass)).toEqual([]);
    },
    (CI_OPTIONS03.seconds + CI_OPTIONS03.drainSeconds + 60) * 1000,
  );
});
