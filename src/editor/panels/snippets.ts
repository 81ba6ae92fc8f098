/** Copyable forms of a compiled request. Pure, so they are tested without a DOM. */

export const QUEUE_HOST = "https://queue.fal.run";

export function requestJson(input: Record<string, unknown>): string {
  return JSON.stringify(input, null, 2);
}

export function jsSnippet(endpoint: string, input: Record<string, unknown>): string {
  const body = JSON.stringify(input, null, 2).replace(/\n/g, "\n  ");
  return `${localUrlWarning(input, "//")}import { fal } from "@fal-ai/client";

// Keep FAL_KEY on a server; in a browser use a proxy (fal.config({ proxyUrl })).
const result = await fal.subscribe(${JSON.stringify(endpoint)}, {
  input: ${body},
  logs: true,
});
console.log(result.data.images);
`;
}

/**
 * curl against the queue. The body goes through a quoted heredoc so prompts with quotes, $ or
 * backticks reach fal verbatim; the marker cannot occur alone on a line of JSON output.
 */
export function curlSnippet(endpoint: string, input: Record<string, unknown>): string {
  return `${localUrlWarning(input, "#")}curl -X POST "${QUEUE_HOST}/${endpoint}" \\
  -H "Authorization: Key $FAL_KEY" \\
  -H "Content-Type: application/json" \\
  --data-binary @- <<'JSON'
${JSON.stringify(input, null, 2)}
JSON
`;
}

/** A JSON value as a Python literal (JSON's string escapes are valid in Python too). */
function pythonLiteral(v: unknown, indent: string): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "None";
  if (typeof v === "string") return JSON.stringify(v);
  const inner = `${indent}    `;
  if (Array.isArray(v))
    return v.length ? `[\n${v.map((x) => inner + pythonLiteral(x, inner)).join(",\n")},\n${indent}]` : "[]";
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length
    ? `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(x, inner)}`).join(",\n")},\n${indent}}`
    : "{}";
}

/** Python with fal_client (pip install fal-client), which reads FAL_KEY from the environment. */
export function pythonSnippet(endpoint: string, input: Record<string, unknown>): string {
  return `${localUrlWarning(input, "#")}import fal_client  # pip install fal-client; reads FAL_KEY from the environment

result = fal_client.subscribe(
    ${JSON.stringify(endpoint)},
    arguments=${pythonLiteral(input, "    ")},
    with_logs=True,
)
print(result["images"])
`;
}

/**
 * URLs fal cannot open: loopback and private-network addresses, and the offline stand-in's
 * storage on whatever address the editor was opened at (a LAN IP, a tunnel).
 */
const LOCAL_URL =
  /^https?:\/\/(localhost|[^/?#]*\.local|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\])(:\d+)?\//i;
const STANDIN_FILE = /^https?:\/\/[^/?#]+\/standin\/files\//i;

/** Request paths whose value is a URL fal cannot fetch. */
export function localUrls(input: unknown, path = ""): string[] {
  if (typeof input === "string") return LOCAL_URL.test(input) || STANDIN_FILE.test(input) ? [path] : [];
  if (input && typeof input === "object")
    return Object.entries(input).flatMap(([k, v]) => localUrls(v, path ? `${path}.${k}` : k));
  return [];
}

/** A comment saying which values point at this machine, so a copied snippet does not fail at fal silently. */
export function localUrlWarning(input: Record<string, unknown>, comment: "#" | "//"): string {
  const paths = localUrls(input);
  if (!paths.length) return "";
  return `${comment} Note: ${localUrlSummary(paths)};\n${comment} fal cannot fetch ${paths.length === 1 ? "it" : "them"}. Upload the file${paths.length === 1 ? "" : "s"} to fal storage and use that URL instead.\n`;
}

/** "image_url points at the local stand-in …": the snippets' comment and the note beside Copy. */
export function localUrlSummary(paths: readonly string[]): string {
  return `${paths.join(", ")} ${paths.length === 1 ? "points" : "point"} at the local stand-in or this machine's network`;
}
