/** Copyable forms of a compiled request. Pure, so they are tested without a DOM. */

export const QUEUE_HOST = "https://queue.fal.run";

export function requestJson(input: Record<string, unknown>): string {
  return JSON.stringify(input, null, 2);
}

export function jsSnippet(endpoint: string, input: Record<string, unknown>): string {
  const body = JSON.stringify(input, null, 2).replace(/\n/g, "\n  ");
  return `import { fal } from "@fal-ai/client";

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
  return `curl -X POST "${QUEUE_HOST}/${endpoint}" \\
  -H "Authorization: Key $FAL_KEY" \\
  -H "Content-Type: application/json" \\
  --data-binary @- <<'JSON'
${JSON.stringify(input, null, 2)}
JSON
`;
}
