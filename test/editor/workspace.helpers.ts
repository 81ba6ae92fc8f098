// A real server over a temporary workspace folder, for the editor's workspace library tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { createApp, type App } from "../../src/server/app";
import { createWorkspace } from "../../src/server/workspace/index";

export const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Before each test, a server over a new workspace folder named with `prefix` (handed to `assign`
 * with the server's base URL); after it, the server is closed and the folder removed.
 */
export function workspacePerTest(prefix: string, assign: (dir: string, base: string) => void): void {
  let dir = "";
  let app: App | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    app = createApp({
      workspace: await createWorkspace({ dir, logger: quiet }),
      logger: quiet,
      distDir: join(dir, "no-dist"),
    });
    assign(dir, await app.listen(0, "127.0.0.1"));
  });
  afterEach(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });
}
