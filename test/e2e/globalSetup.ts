/**
 * One Chromium per worker for the whole browser suite. Starting one per file took 1–3 s each on a
 * busy machine (29 files); every file now connects to its worker's and gets contexts of its own
 * (each an empty profile), which its `close()` removes again. Files running at the same time get
 * different browsers, so that nothing browser-wide (the clipboard a copy and paste go through) is
 * shared between them (docs/benchmarks.md#the-browser-suite).
 */
import type { TestProject } from "vitest/node";
import { launchChromiumServer } from "../harness/browser";

export default async function setup(project: TestProject) {
  const workers = Math.max(1, project.config.maxWorkers);
  const servers = await Promise.all(Array.from({ length: workers }, () => launchChromiumServer()));
  project.provide(
    "chromiumEndpoints",
    servers.map((s) => s.wsEndpoint()),
  );
  return async () => {
    await Promise.all(servers.map((s) => s.close()));
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Each worker's Chromium's Playwright endpoint, by VITEST_POOL_ID − 1; see test/e2e/globalSetup.ts. */
    chromiumEndpoints: string[];
  }
}
