/**
 * Serves the built editor (dist/). Unknown GET paths that accept HTML get index.html so the
 * client-side router works; nothing outside the root is ever read.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { sendJsonError } from "./http.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/**
 * Content-Security-Policy for the editor and its workers. Workflow files are untrusted (IMP-06):
 * even if markup from one reached the DOM, no inline or foreign script could run, no plugin
 * load, no form post or <base> rewrite happen. Images may come from anywhere (results on fal's
 * CDN, URLs users type, data: previews); connections are open to http(s) because the proxy URL
 * is a user setting and result images are copied for offline use.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self' https: http: data: blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function contentTypeFor(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

export function createStaticHandler(root: string) {
  const base = resolve(root);

  async function fileAt(urlPath: string): Promise<string | null> {
    const full = resolve(join(base, urlPath));
    // resolve() collapses "..": anything that ends up outside the root is refused.
    if (full !== base && !full.startsWith(base + sep)) return null;
    try {
      const s = await stat(full);
      if (s.isFile()) return full;
      if (s.isDirectory()) {
        const index = join(full, "index.html");
        const si = await stat(index).catch(() => null);
        return si?.isFile() ? index : null;
      }
    } catch {
      /* not found */
    }
    return null;
  }

  function send(req: IncomingMessage, res: ServerResponse, file: string, status = 200): void {
    const immutable = file.startsWith(join(base, "assets") + sep);
    stat(file)
      .then((s) => {
        res.writeHead(status, {
          "content-type": contentTypeFor(file),
          "content-length": String(s.size),
          "x-content-type-options": "nosniff",
          "content-security-policy": CONTENT_SECURITY_POLICY,
          "referrer-policy": "no-referrer",
          "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        });
        if (req.method === "HEAD") return void res.end();
        createReadStream(file)
          .on("error", () => res.destroy())
          .pipe(res);
      })
      .catch(() => sendJsonError(res, 404, "not_found", "Not found."));
  }

  /** The GET/HEAD handler for every path no other route takes. */
  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? "/").split("?")[0].split("#")[0];
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return sendJsonError(res, 400, "bad_path", "The request path is not valid percent-encoding.");
    }
    if (path.includes("\0") || path.includes("\\")) {
      return sendJsonError(res, 400, "bad_path", "The request path contains forbidden characters.");
    }
    const file = await fileAt(path);
    if (file) return send(req, res, file);
    const accept = String(req.headers.accept ?? "");
    if (accept.includes("text/html")) {
      const index = await fileAt("/index.html");
      if (index) return send(req, res, index);
      return sendJsonError(
        res,
        503,
        "not_built",
        "The editor is not built; run `npm run build` (npm start does it for you).",
      );
    }
    sendJsonError(res, 404, "not_found", `No file at ${rawPath}.`);
  };
}
