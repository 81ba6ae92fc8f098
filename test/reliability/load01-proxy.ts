/**
 * Child process for the soaks (LOAD-01, LOAD-03): the real server (proxy, limits, logger) in a
 * process of its own, so its memory and file descriptors can be measured apart from the load
 * generator. Started with an IPC channel by load01.ts or load03.ts; argv[2] is JSON
 * `{ upstream?, falKey?, rateLimit?, connections?, standinOptions? }`: without `upstream` the
 * server answers with its stand-in.
 *
 * Messages: parent → "memory" (answers after a full GC) | "stop";
 * child → `{ url }` once listening, `{ memory: NodeJS.MemoryUsage, logLines, canaryHits, fds, standin }`.
 */
import { readdirSync } from "node:fs";
import { createApp } from "../../src/server/app.ts";
import type { ConnectionLimits } from "../../src/server/connections.ts";
import type { ProxyLimits } from "../../src/server/proxy/index.ts";
import type { StandinOptions } from "../../src/server/standin/index.ts";

const config = JSON.parse(process.argv[2] ?? "{}") as {
  upstream?: string;
  falKey?: string;
  rateLimit?: ProxyLimits["rateLimit"];
  connections?: Partial<ConnectionLimits>;
  standinOptions?: StandinOptions;
};
const send = (m: unknown) => process.send?.(m);
let logLines = 0;
const canaryHits: string[] = [];
const note = (m: string) => {
  logLines += 1;
  if (config.falKey && m.includes(config.falKey)) canaryHits.push(m);
};

const upstream = config.upstream;
const app = createApp({
  falKey: upstream ? config.falKey : undefined,
  logger: { info: note, warn: note, error: note },
  resolveUpstream: upstream
    ? (url: string) => {
        const u = new URL(url);
        return `${upstream}/${u.hostname}${u.pathname}${u.search}`;
      }
    : undefined,
  standinOptions: config.standinOptions,
  connections: config.connections,
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
    const fds = readdirSync("/proc/self/fd").length;
    send({ memory: process.memoryUsage(), logLines, canaryHits, fds, standin: app.standin?.stats() ?? null });
  } else if (m === "stop") {
    void app.close().then(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
