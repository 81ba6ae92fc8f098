/**
 * Child process for LOAD-01: the real server (proxy, limits, logger) in a process of its own, so
 * its memory can be measured apart from the load generator. Started with an IPC channel by
 * load01.ts; argv[2] is JSON `{ upstream, falKey, rateLimit }`.
 *
 * Messages: parent → "memory" (answers `{memory}` after a full GC) | "stop";
 * child → `{ url }` once listening, `{ memory: NodeJS.MemoryUsage, logLines }`.
 */
import { createApp } from "../../src/server/app.ts";
import type { ProxyLimits } from "../../src/server/proxy/index.ts";

const config = JSON.parse(process.argv[2] ?? "{}") as {
  upstream: string;
  falKey: string;
  rateLimit?: ProxyLimits["rateLimit"];
};
const send = (m: unknown) => process.send?.(m);
let logLines = 0;
const canaryHits: string[] = [];
const note = (m: string) => {
  logLines += 1;
  if (m.includes(config.falKey)) canaryHits.push(m);
};

const app = createApp({
  falKey: config.falKey,
  logger: { info: note, warn: note, error: note },
  resolveUpstream: (url: string) => {
    const u = new URL(url);
    return `${config.upstream}/${u.hostname}${u.pathname}${u.search}`;
  },
  limits: config.rateLimit === undefined ? {} : { rateLimit: config.rateLimit },
  // The load generator plays the reverse proxy: its X-Forwarded-For names each simulated user.
  trustProxy: ["loopback"],
});

const url = await app.listen(0, "127.0.0.1");
send({ url });

process.on("message", (m) => {
  if (m === "memory") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    send({ memory: process.memoryUsage(), logLines, canaryHits });
  } else if (m === "stop") {
    void app.close().then(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
