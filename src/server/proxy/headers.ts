/**
 * Which headers cross the proxy, each way (PRX-03, PRX-11; docs/server.md#headers).
 *
 * Upstream gets the server's key, `content-type`, `accept` and a short allowlist of fal's own
 * request headers (the ones @fal-ai/client sends). Nothing named in the client's `Connection`
 * header is forwarded: the client declared it hop-by-hop.
 *
 * The browser gets fal's answer without hop-by-hop headers, cookies, CORS grants (CORS is ours
 * to decide, by the gate) or anything that would act on our origin: a CSP, Clear-Site-Data
 * (which could wipe the editor's drafts), Refresh, HSTS, Alt-Svc.
 */
import { HOP_BY_HOP } from "../http.ts";

export const TARGET_URL_HEADER = "x-fal-target-url";

/** fal request headers forwarded upstream (from @fal-ai/client 1.10 and fal's queue docs). */
export const FORWARDED_FAL_HEADERS: ReadonlySet<string> = new Set([
  "x-fal-queue-priority",
  "x-fal-runner-hint",
  "x-fal-request-timeout",
  "x-fal-no-retry",
  "x-fal-object-lifecycle",
  "x-fal-object-lifecycle-preference",
]);

const STRIPPED_RESPONSE: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  // fetch decoded the body already; our own length is set when the body is relayed.
  "content-length",
  "content-encoding",
  "set-cookie",
  "set-cookie2",
  "content-security-policy",
  "content-security-policy-report-only",
  "clear-site-data",
  "refresh",
  "strict-transport-security",
  "alt-svc",
]);

/** Lower-case names listed in a Connection header value. */
export function connectionTokens(value: string | string[] | null | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(",") : (value ?? "");
  const out = new Set<string>();
  for (const t of text.split(",")) {
    const name = t.trim().toLowerCase();
    if (name) out.add(name);
  }
  return out;
}

export type CollectedHeaders =
  { ok: true; target: string | undefined; headers: Record<string, string> } | { ok: false; duplicate: string };

/**
 * One pass over the raw request headers: the target, the headers to forward, or the first
 * repeated x-fal-* header (Node would join repeats as "a, b"; refuse rather than guess).
 */
export function collectRequestHeaders(raw: readonly string[], connection: string | undefined): CollectedHeaders {
  const hopByHop = connection === undefined || connection === "keep-alive" ? null : connectionTokens(connection);
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  let target: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name.startsWith("x-fal-")) {
      if (seen.has(name)) return { ok: false, duplicate: name };
      seen.add(name);
      if (name === TARGET_URL_HEADER) target = raw[i + 1];
      else if (FORWARDED_FAL_HEADERS.has(name) && !hopByHop?.has(name)) headers[name] = raw[i + 1];
    } else if ((name === "content-type" || name === "accept") && headers[name] === undefined && !hopByHop?.has(name)) {
      headers[name] = raw[i + 1];
    }
  }
  return { ok: true, target, headers };
}

/** The upstream answer's headers that may reach the browser. */
export function responseHeaders(upstream: Headers): Record<string, string> {
  const named = connectionTokens(upstream.get("connection"));
  const out: Record<string, string> = {};
  upstream.forEach((value, name) => {
    const n = name.toLowerCase();
    if (STRIPPED_RESPONSE.has(n) || n.startsWith("access-control-") || named.has(n)) return;
    out[n] = value;
  });
  return out;
}
