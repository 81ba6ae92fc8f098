/**
 * The stand-in's multipart upload, shaped like fal's (docs/fal-wire.md#storage-uploads): the
 * client sends files over 90 MiB (LoRAs are 10–900 MB) as 10 MiB parts.
 *
 * 1. `POST rest.fal.ai/storage/upload/initiate-multipart` (through the proxy) → `{upload_url, file_url}`;
 * 2. `PUT <upload_url>/<n>` for each part, 1-based, straight to this server → `{partNumber, etag}`;
 * 3. `POST <upload_url>/complete` with `{parts: [{partNumber, etag}]}` → the file exists at `file_url`.
 *
 * Parts are held in memory until completed; a part is capped, the whole upload too, and only a few
 * uploads may be open at once (the oldest is dropped), so an abandoned upload cannot pile up.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerBodyError, readBody, type BodyRules } from "../body.ts";
import { sendJson, sendJsonError } from "../http.ts";
import type { UpstreamInit } from "../proxy/index.ts";
import { json, parseJsonBody } from "./responses.ts";
import { KEY_PATTERN, storageKey, type Storage } from "./storage.ts";

export interface MultipartLimits {
  /** Largest part. The client sends 10 MiB; default 16 MiB. */
  maxPartBytes: number;
  /** Largest whole file. Default 1 GiB (the largest LoRAs are about 900 MB). */
  maxMultipartBytes: number;
  /** Uploads open at once; opening one more drops the oldest. Default 4. */
  maxOpenUploads: number;
  /** Parts in one upload. Default 10,000 (S3's limit). */
  maxParts: number;
}

export const DEFAULT_MULTIPART_LIMITS: MultipartLimits = {
  maxPartBytes: 16 * 1024 * 1024,
  maxMultipartBytes: 1024 * 1024 * 1024,
  maxOpenUploads: 4,
  maxParts: 10_000,
};

interface OpenUpload {
  contentType: string;
  fileName: string;
  parts: Map<number, { bytes: Buffer; etag: string }>;
  bytes: number;
}

const PART_PATH = /^(.+)\/(\d{1,5}|complete)$/;

export function createMultipart(limits: MultipartLimits, storage: Storage, baseUrl: () => string) {
  const open = new Map<string, OpenUpload>();

  /** The proxied `upload/initiate-multipart` operation. */
  function initiate(init: UpstreamInit): Response {
    const parsed = parseJsonBody(init.body);
    const b = parsed.ok ? (parsed.value as { content_type?: unknown; file_name?: unknown } | undefined) : undefined;
    if (!b || typeof b.content_type !== "string" || typeof b.file_name !== "string")
      return json(422, {
        detail: [{ loc: ["body"], msg: "content_type and file_name (strings) are required", type: "value_error" }],
      });
    const key = storageKey(b.file_name);
    open.set(key, { contentType: b.content_type, fileName: b.file_name, parts: new Map(), bytes: 0 });
    while (open.size > limits.maxOpenUploads) open.delete(open.keys().next().value as string);
    return json(200, { upload_url: `${baseUrl()}/standin/multipart/${key}`, file_url: storage.url(key) });
  }

  async function putPart(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    n: number,
    body: Omit<BodyRules, "maxBytes">,
  ) {
    const up = open.get(key);
    if (!up) return sendJsonError(res, 404, "not_found", "Unknown or finished multipart upload.");
    if (n < 1 || n > limits.maxParts)
      return sendJsonError(res, 400, "bad_part", `Part numbers run from 1 to ${limits.maxParts}.`);
    let bytes: Buffer;
    try {
      bytes = await readBody(req, res, { ...body, maxBytes: limits.maxPartBytes });
    } catch (e) {
      return answerBodyError(res, e, "part");
    }
    const before = up.parts.get(n)?.bytes.length ?? 0;
    if (up.bytes - before + bytes.length > limits.maxMultipartBytes) {
      open.delete(key);
      return sendJsonError(res, 413, "too_large", `The file is over ${limits.maxMultipartBytes} bytes.`);
    }
    // A retried part replaces the first try.
    const etag = `"${createHash("md5").update(bytes).digest("hex")}"`;
    up.parts.set(n, { bytes, etag });
    up.bytes += bytes.length - before;
    sendJson(res, 200, { partNumber: n, etag });
  }

  async function complete(req: IncomingMessage, res: ServerResponse, key: string, body: Omit<BodyRules, "maxBytes">) {
    const up = open.get(key);
    if (!up) return sendJsonError(res, 404, "not_found", "Unknown or finished multipart upload.");
    let raw: Buffer;
    try {
      raw = await readBody(req, res, { ...body, maxBytes: 1024 * 1024 });
    } catch (e) {
      return answerBodyError(res, e, "complete");
    }
    const parsed = parseJsonBody(raw);
    const list = parsed.ok ? (parsed.value as { parts?: unknown })?.parts : undefined;
    if (!Array.isArray(list) || list.length === 0)
      return sendJsonError(res, 400, "bad_parts", "The body must be {parts: [{partNumber, etag}, …]}.");
    const chunks: Buffer[] = [];
    for (const [i, p] of list.entries()) {
      const { partNumber, etag } = (p ?? {}) as { partNumber?: unknown; etag?: unknown };
      const part = typeof partNumber === "number" ? up.parts.get(partNumber) : undefined;
      if (partNumber !== i + 1 || !part || part.etag !== etag)
        return sendJsonError(res, 400, "bad_parts", `parts[${i}] is not part ${i + 1} with the etag it was given.`);
      chunks.push(part.bytes);
    }
    if (list.length !== up.parts.size)
      return sendJsonError(res, 400, "bad_parts", `${up.parts.size} parts were uploaded but ${list.length} listed.`);
    open.delete(key);
    storage.put(key, { bytes: Buffer.concat(chunks), contentType: up.contentType, fileName: up.fileName });
    sendJson(res, 200, {});
  }

  /** `PUT /standin/multipart/<key>/<n>` and `POST /standin/multipart/<key>/complete`. */
  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string,
    body: Omit<BodyRules, "maxBytes">,
  ): Promise<void> {
    const m = PART_PATH.exec(rest);
    const isComplete = m?.[2] === "complete";
    if (!m || !KEY_PATTERN.test(m[1]) || (req.method === "POST") !== isComplete)
      return sendJsonError(res, 404, "not_found", "PUT <upload_url>/<part> or POST <upload_url>/complete.");
    if (isComplete) return complete(req, res, m[1], body);
    return putPart(req, res, m[1], Number(m[2]), body);
  }

  return { initiate, handle, openUploads: () => open.size };
}

export type Multipart = ReturnType<typeof createMultipart>;
