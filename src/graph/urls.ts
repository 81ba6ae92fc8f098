/**
 * Checks for URL-ish strings from untrusted workflow files and pasted requests. They live in the
 * core so node definitions validate their own params with the same rules as the request schema.
 */

import { formatBytes } from "./safeJson";

export { formatBytes };

/** A short, safe rendering of a bad value for an error message. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return v.length > 40 ? `text "${v.slice(0, 37)}..."` : `text "${v}"`;
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// URL and model-reference checks
// ---------------------------------------------------------------------------------------------

// Cc = C0/C1 controls, Cf = invisible format characters (zero-width, bidi overrides, BOM).
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;
const REF_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const PLAIN = /^[\x21-\x5b\x5d-\x7e]+$/;

/** Problems any URL-ish string can have, before its scheme is looked at. */
function checkText(s: unknown): string | null {
  if (typeof s !== "string") return `must be text, got ${describeValue(s)}`;
  // Printable ASCII without space or backslash passes every check below; most URLs are that.
  if (PLAIN.test(s)) return null;
  if (s.length === 0) return "is empty";
  const first = s[0];
  const last = s[s.length - 1];
  if (/\s/u.test(first) || INVISIBLE.test(first) || /\s/u.test(last) || INVISIBLE.test(last)) {
    return "has leading or trailing whitespace or control characters; remove them";
  }
  const inv = INVISIBLE.exec(s);
  if (inv) return `contains an invisible or control character (${codePoint(inv[0])}) at position ${inv.index}`;
  const ws = /\s/u.exec(s);
  if (ws) return `contains whitespace (${codePoint(ws[0])}) at position ${ws.index}; encode spaces as %20`;
  if (s.includes("\\")) return "contains a backslash, which browsers and servers read differently; use /";
  // A scheme written with lookalike letters or a fullwidth colon would slip past an ASCII
  // scheme check and be read as a relative name, so non-ASCII before the first "/" is refused.
  const head = s.split(/[/?#]/, 1)[0];
  const odd = /[^\x20-\x7e]/u.exec(head);
  if (odd) {
    return `has a non-ASCII character "${odd[0]}" (${codePoint(odd[0])}) in its scheme or first part, possibly a lookalike; type it in plain ASCII`;
  }
  return null;
}

function checkHttpUrl(s: string, scheme: string): string | null {
  if (!s.slice(scheme.length + 1).startsWith("//")) return `must be written ${scheme}://host/...`;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return "is not a valid URL";
  }
  if (!url.hostname) return "has no host name";
  // WHATWG URL maps fullwidth and other lookalike letters in a host to ASCII ("ｅxample.com" →
  // "example.com"), so a disguised host would pass; a real IDN host can be written as xn--.
  const authority = s.slice(scheme.length + 3).split(/[/?#]/, 1)[0];
  const odd = /[^\x21-\x7e]/u.exec(authority);
  if (odd)
    return `has a non-ASCII character "${odd[0]}" (${codePoint(odd[0])}) in its host name, possibly a lookalike; use the ASCII (xn--) form`;
  if (url.username || url.password) {
    return 'must not contain a user name or password ("user@host" can disguise the real host)';
  }
  return null;
}

function schemeError(scheme: string, allowed: string): string {
  if (scheme.length === 1)
    return `looks like a local file path (${scheme}:); fal cannot read your disk. Upload the file or use ${allowed}`;
  return `uses the "${scheme.toLowerCase()}:" scheme; expected ${allowed}`;
}

/**
 * Largest request the editor sends: the proxy's default body limit. Data URIs travel inline in
 * the request, so a bigger image must be uploaded to fal storage instead.
 */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export interface FileUrlOptions {
  /** Require `data:` URIs to carry an image (`data:image/...`). */
  imageOnly?: boolean;
  /** Refuse `data:` URIs longer than this many characters (e.g. the proxy body cap). */
  maxDataUriLength?: number;
}

/**
 * Checks a value for a file field (`image_url`, `mask_url`, ...): an http(s) URL or a `data:` URI.
 * Returns a message saying what is wrong, or null when it is acceptable.
 */
export function checkFileUrl(s: unknown, options: FileUrlOptions = {}): string | null {
  if (typeof s !== "string") return checkFileUrlNow(s, options);
  const byLimit = options.imageOnly ? rememberedImages : rememberedFiles;
  let byString = byLimit.get(options.maxDataUriLength);
  if (!byString) byLimit.set(options.maxDataUriLength, (byString = new Map()));
  const hit = byString.get(s);
  return hit !== undefined ? hit : remember(byString, s, checkFileUrlNow(s, options));
}

/**
 * Results of the checks, by kind and string. The same URLs are checked by a node's param and again
 * by the request schema, and again on every recompile (each keystroke in the editor); the checks
 * are pure, so remembering them removes most of that repeated work. Bounded: cleared when full.
 */
const rememberedFiles = new Map<number | undefined, Map<string, string | null>>();
const rememberedImages = new Map<number | undefined, Map<string, string | null>>();
const rememberedModels = new Map<string, string | null>();
const REMEMBER_MAX = 20_000;

/** Stores a fresh result (callers look up first, so a hit allocates nothing, not even a closure). */
function remember(byString: Map<string, string | null>, s: string, result: string | null): string | null {
  if (byString.size >= REMEMBER_MAX) byString.clear();
  byString.set(s, result);
  return result;
}

function checkFileUrlNow(s: unknown, options: FileUrlOptions): string | null {
  const text = checkText(s);
  if (text) return text;
  const str = s as string;
  const m = SCHEME.exec(str);
  const allowed = "https://, http:// or data: URIs";
  if (!m) return `is not a URL; expected ${allowed}`;
  const scheme = m[1].toLowerCase();
  if (scheme === "http" || scheme === "https") return checkHttpUrl(str, m[1]);
  if (scheme !== "data") return schemeError(m[1], allowed);

  const comma = str.indexOf(",");
  if (comma < 0) return "is a data: URI without a comma before its content";
  const meta = str.slice(5, comma).split(";");
  const mediaType = meta[0];
  const isBase64 = meta.length > 1 && meta[meta.length - 1].toLowerCase() === "base64";
  const payload = str.slice(comma + 1);
  if (mediaType !== "" && !MEDIA_TYPE.test(mediaType))
    return `is a data: URI with a malformed media type "${mediaType}"`;
  if (options.imageOnly && !/^image\//i.test(mediaType)) {
    return `is a data: URI of type "${mediaType || "text/plain"}"; only images (data:image/...) are accepted here`;
  }
  if (payload.length === 0) return "is a data: URI with no content";
  if (isBase64) {
    const bad = BASE64.test(payload) ? -1 : payload.search(/[^A-Za-z0-9+/=]|=(?=[^=])/);
    if (bad >= 0) return `is a base64 data: URI with a character outside base64 at position ${comma + 1 + bad}`;
  }
  if (options.maxDataUriLength !== undefined && str.length > options.maxDataUriLength) {
    return `is too large to send inline (a data: URI of ${formatBytes(str.length)}; the limit is ${formatBytes(options.maxDataUriLength)}): upload the file instead`;
  }
  return null;
}

/** `checkFileUrl` for image fields: data URIs must be `data:image/...`. */
export function checkImageUrl(s: unknown): string | null {
  return checkFileUrl(s, IMAGE_ONLY);
}
const IMAGE_ONLY: FileUrlOptions = Object.freeze({ imageOnly: true });

/**
 * Checks a model reference (`model_name`, `loras[].path`, ...): an http(s) URL or a Hugging Face
 * id such as `owner/name` (a plain name or deeper `owner/name/file` path is accepted too).
 */
export function checkModelRef(s: unknown): string | null {
  if (typeof s !== "string") return checkModelRefNow(s);
  const hit = rememberedModels.get(s);
  return hit !== undefined ? hit : remember(rememberedModels, s, checkModelRefNow(s));
}

function checkModelRefNow(s: unknown): string | null {
  const text = checkText(s);
  if (text) return text;
  const str = s as string;
  const allowed = "an https:// URL or a Hugging Face id like owner/name";
  const m = SCHEME.exec(str);
  if (m) {
    const scheme = m[1].toLowerCase();
    if (scheme === "http" || scheme === "https") return checkHttpUrl(str, m[1]);
    if (scheme === "data") return `is a data: URI; model files must be ${allowed}`;
    return schemeError(m[1], allowed);
  }
  if (str.startsWith("/") || str.startsWith("~"))
    return `looks like a local file path; fal cannot read your disk. Use ${allowed}`;
  for (const seg of str.split("/")) {
    if (seg === "") return `has an empty part between slashes; expected ${allowed}`;
    if (seg === "." || seg === "..") return `contains a "${seg}" path segment; expected ${allowed}`;
    if (!REF_SEGMENT.test(seg)) {
      const bad = /[^A-Za-z0-9_.-]/.exec(seg)![0];
      return `contains "${bad}", which is not allowed in a Hugging Face id; expected ${allowed}`;
    }
  }
  return null;
}

/** A short, human label for a URL or data URI (for thumbnails and messages). */
export function describeUrl(s: string): string {
  if (s.startsWith("data:")) {
    const mime = /^data:([^;,]+)/.exec(s)?.[1] ?? "data";
    return `${mime} data URI (${Math.round((s.length * 3) / 4 / 1024)} kB)`;
  }
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
