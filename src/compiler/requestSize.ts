/**
 * The request must fit through the proxy (MAX_REQUEST_BYTES). Inline data: images are what makes
 * a request big, so an oversized request is blamed on them, largest first, at the node and field
 * that hold each one; the fix is the same for all: upload the file instead.
 */
import { MAX_REQUEST_BYTES, formatBytes, type Diagnostic } from "../graph";
import type { SourceMap } from "./compile";

interface Inline {
  path: string;
  length: number;
}

/**
 * Sum of string lengths in the request (a lower bound of its JSON size) and its data: URIs.
 * `path` is one stack for the whole walk, joined only for a data: URI (a request holds thousands
 * of values and rarely an inline image).
 */
function scan(value: unknown, path: (string | number)[], inline: Inline[]): number {
  if (typeof value === "string") {
    if (value.startsWith("data:")) inline.push({ path: path.join("."), length: value.length });
    return value.length;
  }
  if (Array.isArray(value)) {
    let n = 0;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      n += 8 + scan(value[i], path, inline);
      path.pop();
    }
    return n;
  }
  if (value !== null && typeof value === "object") {
    let n = 0;
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      path.push(k);
      n += k.length + 8 + scan((value as Record<string, unknown>)[k], path, inline);
      path.pop();
    }
    return n;
  }
  return 8;
}

/** `sourceMap` may be a function so the map is only built when the request is too big. */
export function checkRequestSize(
  request: Record<string, unknown>,
  sourceMapOrGetter: SourceMap | (() => SourceMap),
  outputId: string,
  limit = MAX_REQUEST_BYTES,
): Diagnostic[] {
  const inline: Inline[] = [];
  // Only serialize when the cheap estimate says it could matter (compile runs on every edit).
  if (scan(request, [], inline) < limit * 0.75) return [];
  const size = new TextEncoder().encode(JSON.stringify(request)).length;
  if (size <= limit) return [];
  const total = `the request would be ${formatBytes(size)}, over the ${formatBytes(limit)} limit`;
  if (inline.length === 0) {
    return [
      {
        severity: "error",
        code: "request-too-large",
        message: `${total[0].toUpperCase()}${total.slice(1)}; shorten the long texts or lists`,
        nodeId: outputId,
      },
    ];
  }
  const sourceMap = typeof sourceMapOrGetter === "function" ? sourceMapOrGetter() : sourceMapOrGetter;
  return inline
    .sort((a, b) => b.length - a.length)
    .map(({ path, length }) => {
      const src = sourceMap[path] ?? { nodeId: outputId };
      return {
        severity: "error" as const,
        code: "request-too-large" as const,
        message: `Image too large to send inline (${formatBytes(length)} as a data: URI; ${total}): upload the file instead`,
        nodeId: src.nodeId,
        field: src.field,
        path,
      };
    });
}
