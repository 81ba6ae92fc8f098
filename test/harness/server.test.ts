// The browser tests' server harness leaves nothing behind: a temporary workspace goes with it.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startServer } from "./server";

describe("startServer({ tempWorkspace })", () => {
  it("serves a new folder and removes it on close", async () => {
    const srv = await startServer({ tempWorkspace: "lora-graph-harness-" });
    const dir = srv.workspaceDir!;
    expect(existsSync(`${dir}/pipelines`)).toBe(true);
    const listed = await fetch(`${srv.url}/api/workspace`).then((r) => r.json());
    expect(listed.pipelines).toEqual([]);
    await srv.close();
    expect(existsSync(dir)).toBe(false);
  });
});
