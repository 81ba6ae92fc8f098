/**
 * Where the runner sends requests: any server speaking the fal proxy protocol. `?proxy=` in the
 * page URL wins (for one session), then the Settings value (localStorage), then our server's route.
 *
 * A link is not the user's choice: `?proxy=` naming another origin would hand that server every
 * prompt, request and uploaded image. Such a proxy is used only after the user agrees to it by
 * name (docs/server.md#which-proxy-the-editor-uses); until then nothing is sent anywhere.
 */
export const DEFAULT_PROXY_URL = "/api/fal/proxy";
export const PROXY_STORAGE_KEY = "lora-graph:proxyUrl";
/** sessionStorage: the ?proxy= URL this tab's user agreed to, so a reload does not ask again. */
export const PROXY_CONSENT_KEY = "lora-graph:proxyConsent";

export type ProxySource = "query" | "settings" | "default";

interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Why a proxy URL is unusable, or null. A path on this origin or an http(s) URL. */
export function proxyUrlProblem(url: string): string | null {
  const s = url.trim();
  if (s === "") return "enter a path such as /api/fal/proxy or an http(s) URL";
  if (s.startsWith("/") && !s.startsWith("//")) return /\s/.test(s) ? "the path must not contain spaces" : null;
  try {
    const u = new URL(s);
    if (u.protocol !== "http:" && u.protocol !== "https:") return `only http and https are allowed (got ${u.protocol})`;
    if (u.username || u.password) return "credentials in the URL are not allowed; the proxy holds the key";
    return null;
  } catch {
    return "not a valid URL";
  }
}

function safeStorage(): KeyValue | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // disabled storage throws on access
  }
}

export function resolveProxyUrl(
  search = typeof location === "undefined" ? "" : location.search,
  storage: KeyValue | null = safeStorage(),
): { url: string; source: ProxySource } {
  const q = new URLSearchParams(search).get("proxy");
  if (q && !proxyUrlProblem(q)) return { url: q.trim(), source: "query" };
  let saved: string | null;
  try {
    saved = storage?.getItem(PROXY_STORAGE_KEY) ?? null;
  } catch {
    saved = null;
  }
  if (saved && !proxyUrlProblem(saved)) return { url: saved.trim(), source: "settings" };
  return { url: DEFAULT_PROXY_URL, source: "default" };
}

const here = () => (typeof location === "undefined" ? "http://localhost/" : location.href);

/** The origin a proxy URL points at when it is not this page's own (a path is always this page's), else null. */
export function foreignOrigin(proxyUrl: string, base = here()): string | null {
  try {
    const target = new URL(proxyUrl, base);
    return target.origin === new URL(base).origin ? null : target.origin;
  } catch {
    return null;
  }
}

/** What to show for a proxy: its host and port for another origin, the path for this one. */
export function proxyLabel(proxyUrl: string, base = here()): string {
  const origin = foreignOrigin(proxyUrl, base);
  return origin ? new URL(origin).host : proxyUrl;
}

function sessionStore(): KeyValue | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** A `?proxy=` on another origin that this tab has not agreed to: it must be asked about before any use. */
export function needsConsent(
  choice: { url: string; source: ProxySource },
  base = here(),
  session: KeyValue | null = sessionStore(),
): boolean {
  if (choice.source !== "query" || foreignOrigin(choice.url, base) === null) return false;
  try {
    return session?.getItem(PROXY_CONSENT_KEY) !== choice.url;
  } catch {
    return true;
  }
}

export function rememberConsent(url: string, session: KeyValue | null = sessionStore()): void {
  try {
    session?.setItem(PROXY_CONSENT_KEY, url);
  } catch {
    // Without storage the question comes back after a reload, which is the safe side.
  }
}

/** Saves (or, with the default or empty, clears) the Settings value. */
export function saveProxyUrl(url: string, storage: KeyValue | null = safeStorage()): void {
  const s = url.trim();
  try {
    if (s === "" || s === DEFAULT_PROXY_URL) storage?.removeItem(PROXY_STORAGE_KEY);
    else storage?.setItem(PROXY_STORAGE_KEY, s);
  } catch {
    // Storage full or disabled: the value still applies to this session.
  }
}

/** `/api/info` of the server behind a proxy URL (same origin for a path, that origin for a URL). */
export function infoUrlFor(
  proxyUrl: string,
  base = typeof location === "undefined" ? "http://localhost/" : location.href,
): string {
  try {
    return new URL("/api/info", new URL(proxyUrl, base)).toString();
  } catch {
    return "/api/info";
  }
}

/**
 * Whether the proxy at `proxyUrl` is served by this page's own server (a path, or a URL on this
 * origin): start-up has asked that server's `/api/info` already (docs/codebase.md#the-first-load).
 */
export function isOwnServer(
  proxyUrl: string,
  base = typeof location === "undefined" ? "http://localhost/" : location.href,
): boolean {
  return infoUrlFor(proxyUrl, base) === infoUrlFor("/api/info", base);
}
