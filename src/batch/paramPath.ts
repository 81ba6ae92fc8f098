/**
 * `node.param` paths, as `lora-graph run --set` and batch table columns write them: the node's id,
 * a dot, the param's key. One resolver serves both, so a column means what `--set` means.
 */
import type { ParamSpec, Registry, WorkflowDocument, WorkflowNode } from "../graph";

export type ParamPath =
  { ok: true; nodeId: string; param: string; spec: ParamSpec; node: WorkflowNode } | { ok: false; message: string };

/** `sampler.seed` → the Sampler node and its seed param; node ids may contain dots (the longest id wins). */
export function resolveParamPath(key: string, doc: WorkflowDocument, registry: Registry): ParamPath {
  const node = doc.nodes
    .filter((n) => key.startsWith(`${n.id}.`) && key.length > n.id.length + 1)
    .sort((a, b) => b.id.length - a.id.length)[0];
  if (!node) {
    if (!key.includes(".")) return { ok: false, message: `expected node.param, e.g. sampler.seed` };
    const wanted = key.slice(0, key.lastIndexOf("."));
    return {
      ok: false,
      message: `no node "${wanted}" in the workflow; its nodes are ${doc.nodes.map((n) => n.id).join(", ")}`,
    };
  }
  const param = key.slice(node.id.length + 1);
  const def = registry.get(node.type);
  if (!def) return { ok: false, message: `node ${node.id} has the unknown type "${node.type}"` };
  if (!Object.hasOwn(def.params, param)) {
    const names = Object.keys(def.params);
    return {
      ok: false,
      message: `node ${node.id} (${node.type}) has no param "${param}"; ${names.length ? `its params are ${names.join(", ")}` : "it has no params"}`,
    };
  }
  return { ok: true, nodeId: node.id, param, spec: def.params[param], node };
}

/**
 * A value written as text (a `--set` value, a CSV cell): JSON when it parses and the param accepts
 * it (42, true, {"width":512,"height":512}), else the text itself, so `prompt.prompt=42` is "42".
 * `null` means "remove the param" and comes back as undefined.
 */
export function valueFromText(text: string, spec: ParamSpec): unknown {
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: the text itself
  }
  if (value !== text && value !== null && !spec.schema.safeParse(value).success && spec.schema.safeParse(text).success)
    value = text;
  return value === null ? undefined : value;
}

/** Why a value does not fit a param, in the words of its schema; undefined when it fits. */
export function valueProblem(value: unknown, spec: ParamSpec): string | undefined {
  if (value === undefined) return undefined;
  const res = spec.schema.safeParse(value);
  if (res.success) return undefined;
  return res.error.issues.map((i) => i.message).join("; ");
}

/** A document with params set (undefined removes one); the input is not changed. */
export function withParams(
  doc: WorkflowDocument,
  sets: readonly { nodeId: string; param: string; value: unknown }[],
): WorkflowDocument {
  if (sets.length === 0) return doc;
  const byNode = new Map<string, Record<string, unknown>>();
  for (const s of sets) {
    const params = byNode.get(s.nodeId) ?? { ...doc.nodes.find((n) => n.id === s.nodeId)?.params };
    if (s.value === undefined) delete params[s.param];
    else params[s.param] = s.value;
    byNode.set(s.nodeId, params);
  }
  return { ...doc, nodes: doc.nodes.map((n) => (byNode.has(n.id) ? { ...n, params: byNode.get(n.id)! } : n)) };
}
