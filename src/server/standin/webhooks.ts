/**
 * fal's webhook, as the stand-in sends it: when a job submitted with `fal_webhook` completes,
 * POST `{request_id, gateway_request_id, status: "OK" | "ERROR", payload, error}` to that URL.
 * Loopback targets only: the stand-in must never be a way to make this machine call out.
 */
import type { Logger } from "../http.ts";

export type WebhookFetch = typeof fetch;

export function isLoopbackUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") return false;
    return u.hostname === "127.0.0.1" || u.hostname === "[::1]" || u.hostname === "localhost";
  } catch {
    return false;
  }
}

export interface WebhookDelivery {
  url: string;
  requestId: string;
  ok: boolean;
  /** The result body, already serialised. */
  payloadJson: string;
  error: string | null;
}

export async function sendWebhook(d: WebhookDelivery, post: WebhookFetch, logger: Logger): Promise<void> {
  if (!isLoopbackUrl(d.url)) {
    logger.warn(`stand-in: webhook to non-loopback ${new URL(d.url).host} skipped`);
    return;
  }
  const head = JSON.stringify({
    request_id: d.requestId,
    gateway_request_id: d.requestId,
    status: d.ok ? "OK" : "ERROR",
  });
  // The payload is spliced in as it was stored, not parsed and serialised again.
  const body = `${head.slice(0, -1)},"payload":${d.payloadJson},"error":${JSON.stringify(d.error)}}`;
  try {
    await post(d.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    logger.warn(`stand-in: webhook for ${d.requestId} failed: ${(e as Error).message}`);
  }
}
