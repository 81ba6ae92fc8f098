/**
 * Start the real server (editor + proxy + stand-in) on a random port for tests.
 *
 * @example
 * const srv = await startServer({ standinOptions: { latencyMs: 50 } });
 * const runner = createRunner({ proxyUrl: srv.proxyUrl });
 * …
 * await srv.close();
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type AppOptions } from "../../src/server/app.ts";
import type { Logger } from "../../src/server/http.ts";
import { createWorkspace } from "../../src/server/workspace/index.ts";
import type { Standin } from "../../src/server/standin/index.ts";

export interface StartServerOptions extends AppOptions {
  /** Serves this folder as the workspace (docs/components.md#the-workspace-api); a temp dir in tests. */
  workspaceDir?: string;
  /**
   * Serves a new temporary folder as the workspace, named with this prefix; `close()` removes it,
   * so runs leave nothing behind in the temp dir.
   */
  tempWorkspace?: string;
  /** Default 0 (random free port). */
  port?: number;
  host?: string;
}

export interface StartedServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/api/fal/proxy` */
  proxyUrl: string;
  /** The in-process stand-in (null when running against an injected real upstream). */
  standin: Standin | null;
  /** Every log line the server wrote, in order, prefixed with its level. */
  logs: string[];
  /** The workspace folder served, when one was given or made. */
  workspaceDir?: string;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<StartedServer> {
  const logs: string[] = [];
  const logger: Logger = options.logger ?? {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const temp = options.tempWorkspace ? await mkdtemp(join(tmpdir(), options.tempWorkspace)) : undefined;
  const workspaceDir = options.workspaceDir ?? temp;
  const workspace =
    options.workspace ?? (workspaceDir ? await createWorkspace({ dir: workspaceDir, logger }) : undefined);
  const app = createApp({
    ...options,
    workspace,
    logger,
    // Tests are fast by default and don't trip the per-client limiter unless they ask for it.
    standinOptions: { latencyMs: 60, queueDelayMs: 20, keepaliveMs: 1000, testMode: true, ...options.standinOptions },
    limits: { rateLimit: false, ...options.limits },
  });
  const url = await app.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  const close = async () => {
    await app.close();
    if (temp) await rm(temp, { recursive: true, force: true });
  };
  return { url, proxyUrl: `${url}/api/fal/proxy`, standin: app.standin, logs, workspaceDir, close };
}
