/**
 * Checks for URL-ish strings that come from untrusted workflow files and pasted requests.
 * They live in the core (not the compiler) so node definitions can validate their own params.
 */

/** Characters that can disguise a scheme: controls, zero-width and bidi marks, odd spaces. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/;

/** Returns why `s` is not acceptable as a file field (http(s) URL or data: URI), or null when it is. */
export function checkFileUrl(s: string): string | null {
  if (s.length === 0) return "is empty; give an https URL or a data: URI";
  if (INVISIBLE.test(s) || s.trim() !== s) return "contains spaces or invisible characters";
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s)?.[1]?.toLowerCase();
  if (!scheme) return "must be an https URL or a data: URI";
  if (scheme === "data") {
    if (!/^data:[a-z]+\/[a-z0-9.+-]+(;[a-z0-9=.+-]+)*(;base64)?,/i.test(s)) return "is not a well-formed data: URI";
    return null;
  }
  if (scheme !== "http" && scheme !== "https") return `uses the "${scheme}:" scheme; only https URLs and data: URIs are allowed`;
  try {
    const u = new URL(s);
    if (!u.hostname) return "has no host";
    if (u.username || u.password) return "must not contain a user name or password";
  } catch {
    return "is not a valid URL";
  }
  return null;
}

/** Returns why `s` is not acceptable as a model reference (URL or Hugging Face id), or null. */
export function checkModelRef(s: string): string | null {
  if (s.length === 0) return "is empty; give a Hugging Face id (owner/name) or an https URL";
  if (INVISIBLE.test(s) || s.trim() !== s) return "contains spaces or invisible characters";
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s)?.[1]?.toLowerCase();
  if (scheme) {
    if (scheme === "data") return "must be a Hugging Face id or an https URL, not a data: URI";
    return checkFileUrl(s);
  }
  if (/^[\w.-]+(\/[\w.-]+)*$/.test(s) && !s.split("/").some((p) => p === ".." || p === ".")) return null;
  return "must be a Hugging Face id such as owner/name, or an https URL";
}

/** A short, human label for a URL or data URI (for thumbnails and messages). */
export function describeUrl(s: string): string {
  if (s.startsWith("data:")) {
    const mime = /^data:([^;,]+)/.exec(s)?.[1] ?? "data";
    return `${mime} data URI (${Math.round((s.length * 3) / 4 / 1024)} kB)`;
  }
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
