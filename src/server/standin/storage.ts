/**
 * The stand-in's storage, shaped like fal's: `POST rest.fal.ai/storage/upload/initiate` (through
 * the proxy) hands out an upload URL and a file URL on this server; the browser PUTs the bytes
 * to the first and anyone may GET the second, as from fal's CDN. Files are kept in memory,
 * bounded by count and bytes, oldest evicted first.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerBodyError, readBody, type BodyRules } from "../body.ts";
import { sendJson, sendJsonError } from "../http.ts";
import type { UpstreamInit } from "../proxy/index.ts";
import { json, parseJsonBody } from "./responses.ts";

export interface StorageLimits {
  /** Largest accepted upload. Default 32 MiB. */
  maxUploadBytes: number;
  maxFiles: number;
  maxStoredBytes: number;
}

export const DEFAULT_STORAGE_LIMITS: StorageLimits = {
  maxUploadBytes: 32 * 1024 * 1024,
  maxFiles: 1000,
  maxStoredBytes: 512 * 1024 * 1024,
};

interface StoredFile {
  bytes: Buffer;
  contentType: string;
  fileName: string;
}

/**
 * A stored file's key: `<uuid>/<the uploaded file's name>` (fal's CDN URLs end in the name too, so
 * a LoRA's URL ends in `.safetensors` and shows its name), or an older `<id>.<ext>`. The name is
 * reduced to URL-safe characters and never starts with a dot, so a key is one plain path.
 */
export const KEY_PATTERN = /^[A-Za-z0-9-]+(?:\.[a-z0-9]{1,5}|\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,119})$/;

/** A fresh key for an upload named `fileName` (anything the client sent: untrusted). */
export function storageKey(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const found = /\.([A-Za-z0-9]{1,16})$/.exec(base);
  const ext = found?.[1].toLowerCase() ?? "bin";
  const stem = base
    .slice(0, found ? found.index : undefined)
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 100);
  return `${randomUUID()}/${stem || "file"}.${ext}`;
}

// Uploaded bytes are attacker-controlled: only known image types render inline, and nothing
// served here may run script on our origin.
const SAFE_INLINE = new Set(["image/png", "image/jpeg", "image/webp", "image/gif"]);

export function createStorage(limits: StorageLimits, baseUrl: () => string) {
  const files = new Map<string, StoredFile>();
  const pendingUploads = new Map<string, { contentType: string; fileName: string }>();
  let storedBytes = 0;

  function put(key: string, file: StoredFile): void {
    const old = files.get(key);
    if (old) storedBytes -= old.bytes.length;
    files.delete(key);
    files.set(key, file);
    storedBytes += file.bytes.length;
    // Map iteration order is insertion order: evict oldest first.
    for (const [k, f] of files) {
      if (files.size <= limits.maxFiles && storedBytes <= limits.maxStoredBytes) break;
      if (k === key) continue;
      files.delete(k);
      storedBytes -= f.bytes.length;
    }
  }

  const url = (key: string) => `${baseUrl()}/standin/files/${key}`;

  /** The proxied `upload/initiate` operation. */
  function initiate(init: UpstreamInit): Response {
    const parsed = parseJsonBody(init.body);
    const b = parsed.ok ? (parsed.value as { content_type?: unknown; file_name?: unknown } | undefined) : undefined;
    if (!b || typeof b.content_type !== "string" || typeof b.file_name !== "string") {
      return json(422, {
        detail: [{ loc: ["body"], msg: "content_type and file_name (strings) are required", type: "value_error" }],
      });
    }
    const key = storageKey(b.file_name);
    pendingUploads.set(key, { contentType: b.content_type, fileName: b.file_name });
    if (pendingUploads.size > 10_000) pendingUploads.delete(pendingUploads.keys().next().value!);
    return json(200, { upload_url: `${baseUrl()}/standin/upload/${key}`, file_url: url(key) });
  }

  /** `PUT /standin/upload/<key>`: the bytes of an initiated upload, once. */
  async function receive(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    body: Omit<BodyRules, "maxBytes">,
  ): Promise<void> {
    const pending = pendingUploads.get(key);
    if (!pending) return sendJson(res, 404, { detail: "Unknown or already used upload URL." });
    let bytes: Buffer;
    try {
      bytes = await readBody(req, res, { ...body, maxBytes: limits.maxUploadBytes });
    } catch (e) {
      return answerBodyError(res, e, "upload");
    }
    pendingUploads.delete(key);
    const contentType = (req.headers["content-type"] ?? pending.contentType).split(";")[0].trim().toLowerCase();
    put(key, { bytes, contentType, fileName: pending.fileName });
    sendJson(res, 200, {});
  }

  /** `GET /standin/files/<key>`. */
  function serve(req: IncomingMessage, res: ServerResponse, key: string): void {
    const file = files.get(key);
    if (!file) return sendJsonError(res, 404, "not_found", "File not found.");
    const inline = SAFE_INLINE.has(file.contentType);
    res.writeHead(200, {
      "content-type": inline ? file.contentType : "application/octet-stream",
      "content-length": String(file.bytes.length),
      "content-disposition": inline ? "inline" : `attachment; filename="${key.split("/").pop()}"`,
      "content-security-policy": "default-src 'none'; sandbox",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=3600, immutable",
    });
    res.end(req.method === "HEAD" ? undefined : file.bytes);
  }

  return { put, url, initiate, receive, serve, count: () => files.size };
}

export type Storage = ReturnType<typeof createStorage>;
