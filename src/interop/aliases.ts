/**
 * LoRA aliases: the URL a user chose for a LoRA another tool knew only by a local name
 * ("castle_style" → a Civitai or Hugging Face URL). The editor remembers the choices; the next
 * import of that name gets the URL instead of a "path needed" error (docs/import-export.md, "LoRA aliases").
 */
import type { ForeignRequest } from "./foreign";

/** How many names are kept; the oldest go first. */
export const MAX_ALIASES = 500;

/**
 * The name an alias is kept under: the file's stem, lower case. A1111 says `castle_style`,
 * ComfyUI `styles/castle_style.safetensors`; both are the same file.
 */
export function aliasKey(name: string): string {
  return name
    .trim()
    .replace(/^.*[\\/]/, "")
    .replace(/\.(safetensors|ckpt|pt|bin|pth)$/i, "")
    .toLowerCase();
}

/** Only a remote https URL is worth remembering: local and blob URLs die with the session. */
export function isAliasTarget(path: unknown): path is string {
  if (typeof path !== "string" || path.length > 2048) return false;
  try {
    const u = new URL(path);
    return u.protocol === "https:" && !u.username && !u.password;
  } catch {
    return false;
  }
}

/**
 * A copy of `foreign` whose LoRAs known only by a name get the URL remembered for that name. Each
 * one's "path needed" error becomes an info note saying where the URL came from.
 *
 * @example
 * applyAliases(a1111ToRequest(text), { castle_style: "https://civitai.com/api/download/models/4242" });
 */
export function applyAliases(foreign: ForeignRequest, aliases: Readonly<Record<string, string>>): ForeignRequest {
  const loras = Array.isArray(foreign.request.loras) ? foreign.request.loras : undefined;
  if (!loras) return foreign;
  const request = { ...foreign.request, loras: [...loras] };
  const resolved = new Map<string, string>();
  loras.forEach((item, i) => {
    const label = foreign.labels[`loras.${i}`];
    const lora = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : undefined;
    if (!label || !lora || (typeof lora.path === "string" && lora.path !== "")) return;
    const key = aliasKey(label);
    const url = Object.hasOwn(aliases, key) ? aliases[key] : undefined;
    if (!isAliasTarget(url)) return;
    request.loras[i] = { ...lora, path: url };
    resolved.set(`loras.${i}.path`, `LoRA \`${label}\`: path ${url}, from your LoRA aliases`);
  });
  if (!resolved.size) return foreign;
  const notes = foreign.notes.flatMap((n) => {
    if (!n.path || !resolved.has(n.path)) return [n];
    if (n.severity !== "error") return [n];
    const message = resolved.get(n.path)!;
    resolved.delete(n.path);
    return [{ ...n, severity: "info" as const, message }];
  });
  for (const [path, message] of resolved) notes.push({ severity: "info", path, message });
  return { ...foreign, request, notes };
}
