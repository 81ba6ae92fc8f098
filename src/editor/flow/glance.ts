import type { NodeDefinition, WorkflowNode } from "../../graph";

/** Longest glance line: a prompt's start, not the prompt. */
const MAX_CHARS = 48;

/** What a file reference is called by people: its file name, not the host or the folders. */
function shortRef(s: string): string {
  const t = s.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return t;
  try {
    const u = new URL(t);
    const name = decodeURIComponent(u.pathname.split("/").filter(Boolean).pop() ?? "");
    return name || u.host;
  } catch {
    return t;
  }
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return shortRef(v.replace(/\s+/g, " "));
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  if (Array.isArray(v)) return v.map(formatValue).filter(Boolean).join(", ");
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.width === "number" && typeof o.height === "number") return `${o.width}×${o.height}`;
  }
  return "";
}

/**
 * The line a zoomed-out canvas shows under a node's title: its definition's `glance` params (set
 * value, else default), formatted to be read at a glance: "castle_v2.safetensors · 0.8".
 */
export function glanceText(def: NodeDefinition | undefined, node: WorkflowNode): string {
  if (!def?.glance) return "";
  const parts: string[] = [];
  for (const key of def.glance) {
    const text = formatValue(node.params[key] ?? def.params[key]?.default);
    if (text) parts.push(text);
  }
  const line = parts.join(" · ");
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1).trimEnd()}…` : line;
}
