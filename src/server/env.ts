/**
 * The environment of `npm start`, read into AppOptions (the table is docs/server.md#environment).
 * A bad value stops the server with a message naming the variable.
 */
import type { AppOptions } from "./app.ts";
import { parseTrustedProxies } from "./gate/clientKey.ts";
import { hostEntryProblem } from "./gate/hosts.ts";
import { DEFAULT_LIMITS, type ProxyLimits } from "./proxy/index.ts";
import { parseBucket, type BucketConfig } from "./rateLimit.ts";
import { faultProblem, type Fault } from "./standin/faults.ts";

export class EnvError extends Error {}

type Env = Record<string, string | undefined>;

function intEnv(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new EnvError(`${name} must be a non-negative integer (got ${JSON.stringify(raw)}).`);
  return n;
}

const list = (raw: string | undefined) =>
  (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function faultsEnv(env: Env, testMode: boolean): Fault[] {
  if (!env.STANDIN_FAULTS) return [];
  if (!testMode) throw new EnvError("STANDIN_FAULTS needs STANDIN_TEST_MODE=1: faults are off outside test mode.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.STANDIN_FAULTS);
  } catch {
    throw new EnvError("STANDIN_FAULTS must be JSON (a fault object or an array of them).");
  }
  const faults = (Array.isArray(parsed) ? parsed : [parsed]) as Fault[];
  faults.forEach((f, i) => {
    const problem = faultProblem(f);
    if (problem) throw new EnvError(`STANDIN_FAULTS[${i}]: ${problem}`);
  });
  return faults;
}

function limitsEnv(env: Env): Partial<ProxyLimits> {
  const limits: Partial<ProxyLimits> = {};
  const maxBody = intEnv(env, "PROXY_MAX_BODY_BYTES");
  if (maxBody !== undefined) limits.maxBodyBytes = maxBody;
  const timeout = intEnv(env, "PROXY_UPSTREAM_TIMEOUT_MS");
  if (timeout !== undefined) limits.upstreamTimeoutMs = timeout;
  if (env.PROXY_RATE_LIMIT === "0") return { ...limits, rateLimit: false };
  // Per-client budgets, each "<burst>,<per-second>"; unset ones keep their defaults.
  const budgets = { ...(DEFAULT_LIMITS.rateLimit as { submit: BucketConfig; poll: BucketConfig }) };
  for (const [name, key] of [
    ["PROXY_RATE_LIMIT_SUBMIT", "submit"],
    ["PROXY_RATE_LIMIT_POLL", "poll"],
  ] as const) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const parsed = parseBucket(raw);
    if (typeof parsed === "string") throw new EnvError(`${name}: ${parsed}`);
    budgets[key] = parsed;
  }
  return { ...limits, rateLimit: budgets };
}

/** AppOptions from the environment; throws EnvError naming the variable at fault. */
export function optionsFromEnv(env: Env): AppOptions {
  const testMode = env.STANDIN_TEST_MODE === "1";
  const allowedHosts = list(env.ALLOWED_HOSTS);
  for (const h of allowedHosts) {
    const problem = hostEntryProblem(h);
    if (problem) throw new EnvError(`ALLOWED_HOSTS: ${problem}`);
  }
  const trustProxy = list(env.TRUST_PROXY);
  try {
    parseTrustedProxies(trustProxy);
  } catch (e) {
    throw new EnvError((e as Error).message);
  }
  const connections: AppOptions["connections"] = {};
  const maxConnections = intEnv(env, "SERVER_MAX_CONNECTIONS");
  if (maxConnections !== undefined) connections.maxConnections = maxConnections;
  const maxPerClient = intEnv(env, "SERVER_MAX_CONNECTIONS_PER_CLIENT");
  if (maxPerClient !== undefined) connections.maxPerClient = maxPerClient;
  return {
    falKey: env.FAL_KEY,
    standin: env.FAL_STANDIN === "1",
    standinOptions: { testMode, faults: faultsEnv(env, testMode) },
    limits: limitsEnv(env),
    connections,
    allowedOrigins: list(env.PROXY_ALLOWED_ORIGINS),
    allowedHosts,
    trustProxy,
    publicUrl: env.PUBLIC_URL || undefined,
  };
}
