/**
 * `npm start` entry. Environment:
 *   PORT (8787), HOST (127.0.0.1), FAL_KEY (absent → stand-in), FAL_STANDIN=1 (force stand-in),
 *   STANDIN_LATENCY_MS, STANDIN_QUEUE_MS, STANDIN_FAULTS (JSON array of faults),
 *   PROXY_MAX_BODY_BYTES, PROXY_UPSTREAM_TIMEOUT_MS, PROXY_ALLOWED_ORIGINS (comma-separated),
 *   PROXY_RATE_LIMIT=0 (disable), PROXY_RATE_LIMIT_SUBMIT / PROXY_RATE_LIMIT_POLL ("<burst>,<per-second>"
 *   per client address; defaults 20,0.333 and 200,20), PUBLIC_URL (base for stand-in file URLs).
 */
import { createApp } from "./app.ts";
import type { Fault } from "./standin/index.ts";
import { faultProblem } from "./standin/faults.ts";
import { DEFAULT_LIMITS, type ProxyLimits } from "./proxy.ts";
import { parseBucket, type BucketConfig } from "./rateLimit.ts";

function intEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${name} must be a non-negative integer (got ${JSON.stringify(raw)}).`);
    process.exit(2);
  }
  return n;
}

let faults: Fault[] = [];
if (process.env.STANDIN_FAULTS) {
  try {
    const parsed: unknown = JSON.parse(process.env.STANDIN_FAULTS);
    faults = (Array.isArray(parsed) ? parsed : [parsed]) as Fault[];
  } catch {
    console.error("STANDIN_FAULTS must be JSON (a fault object or an array of them).");
    process.exit(2);
  }
  faults.forEach((f, i) => {
    const problem = faultProblem(f);
    if (problem) {
      console.error(`STANDIN_FAULTS[${i}]: ${problem}`);
      process.exit(2);
    }
  });
}

const limits: Partial<ProxyLimits> = {};
const maxBody = intEnv("PROXY_MAX_BODY_BYTES");
if (maxBody !== undefined) limits.maxBodyBytes = maxBody;
const timeout = intEnv("PROXY_UPSTREAM_TIMEOUT_MS");
if (timeout !== undefined) limits.upstreamTimeoutMs = timeout;
if (process.env.PROXY_RATE_LIMIT === "0") limits.rateLimit = false;
else {
  // Per-client budgets, each "<burst>,<per-second>"; unset ones keep their defaults.
  const budgets = { ...(DEFAULT_LIMITS.rateLimit as { submit: BucketConfig; poll: BucketConfig }) };
  for (const [name, key] of [
    ["PROXY_RATE_LIMIT_SUBMIT", "submit"],
    ["PROXY_RATE_LIMIT_POLL", "poll"],
  ] as const) {
    const raw = process.env[name];
    if (raw === undefined || raw === "") continue;
    const parsed = parseBucket(raw);
    if (typeof parsed === "string") {
      console.error(`${name}: ${parsed}`);
      process.exit(2);
    }
    budgets[key] = parsed;
  }
  limits.rateLimit = budgets;
}

const app = createApp({
  falKey: process.env.FAL_KEY,
  standin: process.env.FAL_STANDIN === "1",
  standinOptions: { faults },
  limits,
  allowedOrigins: process.env.PROXY_ALLOWED_ORIGINS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean),
});

const port = intEnv("PORT") ?? 8787;
const host = process.env.HOST || "127.0.0.1";
try {
  const url = await app.listen(port, host);
  console.log(`lora-graph: editor and proxy on ${url} (proxy at ${url}/api/fal/proxy)`);
  console.log(
    app.backend === "standin"
      ? `lora-graph: backend = offline STAND-IN (${process.env.FAL_STANDIN === "1" ? "FAL_STANDIN=1" : "FAL_KEY is not set"}); images are placeholders`
      : "lora-graph: backend = real fal (FAL_KEY is set)",
  );
} catch (e) {
  console.error(`lora-graph: could not listen on ${host}:${port}: ${(e as Error).message}`);
  process.exit(1);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    void app.close().then(() => process.exit(0));
  });
}
