/**
 * Where a LoRA header may be fetched from for a user: Hugging Face, Civitai and fal's media
 * hosts, over https, and the storage hosts each of them redirects downloads to, checked on every
 * redirect. Everything else is refused before a connection is made. See docs/import-export.md.
 */

export type LoraSite = "huggingface" | "civitai" | "fal";

export type UrlCheck = { ok: true; url: URL; site: LoraSite } | { ok: false; reason: string; kind: "url" | "host" };

/** Hosts a user's link may name. */
function startSite(host: string, path: string): LoraSite | undefined {
  if (host === "huggingface.co" || host === "hf.co") return "huggingface";
  if (host === "civitai.com" || host === "civitai.red") return "civitai";
  if (host === "fal.media" || host.endsWith(".fal.media")) return "fal";
  // fal's older media URLs live in its own bucket on Google's storage host.
  if (host === "storage.googleapis.com" && path.startsWith("/falserverless/")) return "fal";
  return undefined;
}

/**
 * Hosts a site may redirect a download to. The shared storage domains (Cloudflare R2, Backblaze
 * B2) are anyone's buckets, so they are accepted only as Civitai's download redirects.
 */
function redirectAllowed(from: LoraSite, host: string): boolean {
  switch (from) {
    case "huggingface":
      return host.endsWith(".huggingface.co") || host.endsWith(".hf.co");
    case "civitai":
      return (
        host.endsWith(".civitai.com") ||
        host.endsWith(".civitai.red") ||
        host.endsWith(".r2.cloudflarestorage.com") ||
        host.endsWith(".backblazeb2.com")
      );
    case "fal":
      return host.endsWith(".fal.media");
  }
}

function parse(raw: string, base?: URL): URL | string {
  if (raw.length > 4096) return "the URL is longer than 4096 characters";
  if (!/^[\x21-\x7e]+$/.test(raw)) return "the URL contains spaces, control or non-ASCII characters";
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return "it is not a valid URL";
  }
  if (url.protocol !== "https:") return `only https URLs are fetched (got ${url.protocol.replace(/:$/, "")})`;
  if (url.username || url.password) return "URLs with a user name or password are not fetched";
  if (url.port !== "") return "URLs with a port are not fetched";
  return url;
}

const ALLOWED_TEXT = "huggingface.co, civitai.com or fal's media hosts";

/** A URL the user gave. */
export function checkLoraUrl(raw: string): UrlCheck {
  const url = parse(raw);
  if (typeof url === "string") return { ok: false, reason: url, kind: "url" };
  const site = startSite(url.hostname, url.pathname);
  if (!site)
    return {
      ok: false,
      reason: `${url.hostname} is not one of the hosts LoRAs are read from (${ALLOWED_TEXT})`,
      kind: "host",
    };
  return { ok: true, url, site };
}

/** A redirect's Location, relative to the URL that answered with it. */
export function checkRedirect(from: UrlCheck & { ok: true }, location: string): UrlCheck {
  const url = parse(location, from.url);
  if (typeof url === "string") return { ok: false, reason: `a redirect was refused: ${url}`, kind: "url" };
  const site = startSite(url.hostname, url.pathname);
  if (site) return { ok: true, url, site };
  if (redirectAllowed(from.site, url.hostname)) return { ok: true, url, site: from.site };
  return {
    ok: false,
    reason: `${from.url.hostname} redirected to ${url.hostname}, which is not on the allowlist`,
    kind: "host",
  };
}
