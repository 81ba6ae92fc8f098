/**
 * One Chromium for the whole browser suite. Starting one per file took 1–3 s each on a busy
 * machine (29 files); every file now connects to this one and gets contexts of its own (each an
 * empty profile), which its `close()` removes again (docs/benchmarks.md#the-browser-suite).
 */
import type { TestProject } from "vitest/node";
import { launchChromiumServer } from "../harness/browser";

export default async function setup(project: TestProject) {
  const server = await launchChromiumServer();
  project.provide("chromiumEndpoint", server.wsEndpoint());
  return () => server.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared Chromium's Playwright endpoint; see test/e2e/globalSetup.ts. */
    chromiumEndpoint: string;
  }
}
