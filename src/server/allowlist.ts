/**
 * Decides whether an `x-fal-target-url` may be forwarded, and which fal operation it is.
 *
 * The check is positive and exact: a target must parse with `new URL`, use https, have no
 * userinfo, port or fragment, name one of three hosts exactly, and have a path and query that
 * match one known operation of the `fal-ai/lora` app (or fal storage upload) with the method
 * that operation uses. Everything else is refused before any connection is made.
 */

export type FalOperation =
  "submit" | "run" | "status" | "stream" | "result" | "cancel" | "upload" | "uploadMultipart" | "completeMultipart";

export type LoraEndpoint = "fal-ai/lora" | "fal-ai/lora/image-to-image" | "fal-ai/lora/inpaint";

export interface AllowedTarget {
  ok: true;
  op: FalOperation;
  /** Normalised absolute https URL (what `new URL(raw).href` gives). */
  url: string;
  method: "GET" | "POST" | "PUT";
  /** Submit/run only: which of the three lora endpoints. */
  endpoint?: LoraEndpoint;
  /** status/stream/result/cancel only. */
  requestId?: string;
  /** status/stream only: `logs=1`. */
  logs?: boolean;
  /** submit only: the `fal_webhook` query value. */
  webhook?: string;
}

export interface RefusedTarget {
  ok: false;
  status: number;
  code: string;
  message: string;
}

export type TargetDecision = AllowedTarget | RefusedTarget;

/** Longest target URL accepted; a webhook URL plus the lora path fits comfortably. */
export const MAX_TARGET_URL_LENGTH = 2048;

const ENDPOINT_PATHS: Record<string, LoraEndpoint> = {
  "/fal-ai/lora": "fal-ai/lora",
  "/fal-ai/lora/image-to-image": "fal-ai/lora/image-to-image",
  "/fal-ai/lora/inpaint": "fal-ai/lora/inpaint",
};

// fal request ids are UUIDs; allow a little slack in format but nothing that could change the path.
const REQUEST_PATH = /^\/fal-ai\/lora\/requests\/([A-Za-z0-9-]{1,64})(\/status|\/status\/stream|\/cancel)?$/;

const STORAGE_OPS: Record<string, FalOperation> = {
  "/storage/upload/initiate": "upload",
  "/storage/upload/initiate-multipart": "uploadMultipart",
  "/storage/upload/complete-multipart": "completeMultipart",
};

function refuse(code: string, message: string, status = 400): RefusedTarget {
  return { ok: false, status, code, message };
}

/** Query as key → single value; null if a key repeats (ambiguous for upstream parsers). */
function singleValuedQuery(url: URL): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const [k, v] of url.searchParams) {
    if (out.has(k)) return null;
    out.set(k, v);
  }
  return out;
}

function onlyKeys(q: Map<string, string>, allowed: string[]): boolean {
  for (const k of q.keys()) if (!allowed.includes(k)) return false;
  return true;
}

/**
 * Classify a target header value for a given incoming method.
 * @param rawTarget the header value exactly as received (undefined if missing)
 * @param method the incoming HTTP method (upper case)
 * @example classifyTarget("https://queue.fal.run/fal-ai/lora/requests/abc/status?logs=1", "GET")
 *   // → { ok: true, op: "status", requestId: "abc", logs: true, ... }
 */
export function classifyTarget(rawTarget: string | undefined, method: string): TargetDecision {
  if (rawTarget === undefined || rawTarget === "") {
    return refuse("missing_target", "The x-fal-target-url header is required.");
  }
  if (rawTarget.length > MAX_TARGET_URL_LENGTH) {
    return refuse("target_too_long", `x-fal-target-url is longer than ${MAX_TARGET_URL_LENGTH} characters.`);
  }
  // The WHATWG parser silently drops tabs/newlines and trims spaces, so "lo\tra" would become
  // "lora". Refuse anything that is not printable ASCII instead of letting the parser "fix" it.
  if (!/^[\x21-\x7e]+$/.test(rawTarget)) {
    return refuse("malformed_target", "x-fal-target-url contains whitespace, control or non-ASCII characters.");
  }
  // Require the canonical form literally: the parser would also accept "HTTPS:", "https:/host",
  // "https:\\host", ":443" or "user@host" and normalise them into something that looks allowed.
  const authority = /^https:\/\/([^/?#]*)/.exec(rawTarget)?.[1];
  let url: URL;
  try {
    url = new URL(rawTarget);
  } catch {
    return refuse("malformed_target", "x-fal-target-url is not a valid absolute URL.");
  }
  if (url.protocol !== "https:") {
    return refuse("target_not_allowed", `Only https targets are forwarded (got ${url.protocol}).`);
  }
  if (url.username !== "" || url.password !== "") {
    return refuse("target_not_allowed", "Targets with userinfo are not forwarded.");
  }
  if (url.port !== "" || (authority !== undefined && authority.includes(":"))) {
    return refuse("target_not_allowed", "Targets with an explicit port are not forwarded.");
  }
  if (authority !== url.hostname) {
    return refuse(
      "target_not_allowed",
      "The target must be written as https://<fal host>/… (lower case, no port, no userinfo).",
    );
  }
  if (url.hash !== "" || rawTarget.includes("#")) {
    return refuse("target_not_allowed", "Targets with a fragment are not forwarded.");
  }
  const query = singleValuedQuery(url);
  if (query === null) {
    return refuse("target_not_allowed", "Targets with a repeated query parameter are not forwarded.");
  }
  const wrongMethod = (op: string, expected: string) =>
    refuse("method_not_allowed", `${op} must use ${expected}, not ${method}.`);

  switch (url.hostname) {
    case "queue.fal.run": {
      const endpoint = ENDPOINT_PATHS[url.pathname];
      if (endpoint) {
        if (method !== "POST") return wrongMethod("Queue submit", "POST");
        if (!onlyKeys(query, ["fal_webhook"])) {
          return refuse("target_not_allowed", "Queue submit accepts only the fal_webhook query parameter.");
        }
        const webhook = query.get("fal_webhook");
        if (webhook !== undefined && !isHttpUrl(webhook)) {
          return refuse("target_not_allowed", "fal_webhook must be an http(s) URL.");
        }
        return { ok: true, op: "submit", url: url.href, method: "POST", endpoint, webhook };
      }
      const m = REQUEST_PATH.exec(url.pathname);
      if (!m)
        return refuse("target_not_allowed", `Path ${url.pathname} on queue.fal.run is not a fal-ai/lora operation.`);
      const requestId = m[1];
      const suffix = m[2] ?? "";
      if (suffix === "/status" || suffix === "/status/stream") {
        const op = suffix === "/status" ? "status" : "stream";
        if (method !== "GET") return wrongMethod(`Queue ${op}`, "GET");
        const logs = query.get("logs");
        if (!onlyKeys(query, ["logs"]) || (logs !== undefined && logs !== "0" && logs !== "1")) {
          return refuse("target_not_allowed", "Queue status accepts only logs=0 or logs=1.");
        }
        return { ok: true, op, url: url.href, method: "GET", requestId, logs: logs === "1" };
      }
      if (query.size > 0) return refuse("target_not_allowed", "This queue operation takes no query parameters.");
      if (suffix === "/cancel") {
        if (method !== "PUT") return wrongMethod("Queue cancel", "PUT");
        return { ok: true, op: "cancel", url: url.href, method: "PUT", requestId };
      }
      if (method !== "GET") return wrongMethod("Queue result", "GET");
      return { ok: true, op: "result", url: url.href, method: "GET", requestId };
    }
    case "fal.run": {
      const endpoint = ENDPOINT_PATHS[url.pathname];
      if (!endpoint)
        return refuse("target_not_allowed", `Path ${url.pathname} on fal.run is not a fal-ai/lora endpoint.`);
      if (method !== "POST") return wrongMethod("Direct run", "POST");
      if (query.size > 0) return refuse("target_not_allowed", "Direct run takes no query parameters.");
      return { ok: true, op: "run", url: url.href, method: "POST", endpoint };
    }
    case "rest.fal.ai": {
      const op = STORAGE_OPS[url.pathname];
      if (!op)
        return refuse("target_not_allowed", `Path ${url.pathname} on rest.fal.ai is not a storage upload operation.`);
      if (method !== "POST") return wrongMethod("Storage upload", "POST");
      if (query.size !== 1 || query.get("storage_type") !== "fal-cdn-v3") {
        return refuse("target_not_allowed", "Storage upload requires exactly ?storage_type=fal-cdn-v3.");
      }
      return { ok: true, op, url: url.href, method: "POST" };
    }
    default:
      return refuse("target_not_allowed", `Host ${url.hostname} is not an allowed fal host.`);
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
