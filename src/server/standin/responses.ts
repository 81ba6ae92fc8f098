/** Building fal-shaped answers for the stand-in's in-process upstream. */

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return jsonText(status, JSON.stringify(body), headers);
}

/** An answer whose JSON body is already serialised (stored results). */
export function jsonText(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "content-type": "application/json", ...headers } });
}

export function parseJsonBody(body: Uint8Array | undefined): { ok: true; value: unknown } | { ok: false } {
  try {
    const text = body && body.length > 0 ? Buffer.from(body).toString("utf8") : "";
    return { ok: true, value: text === "" ? undefined : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Drop the client connection (the proxy recognises this marker). */
export function dropSignal(): Error & { dropClientConnection: true } {
  return Object.assign(new Error("stand-in: injected dropped connection"), { dropClientConnection: true as const });
}
