import type { WorkflowDocument } from "./document";
import type { Registry } from "./registry";
import { PORT_KIND_INFO, type PortSpec } from "./ports";

export interface PortRef {
  node: string;
  port: string;
}

export type ConnectRefusal =
  "self-link" | "unknown-node" | "unknown-port" | "type-mismatch" | "input-taken" | "duplicate" | "cycle";

export type ConnectResult = { ok: true } | { ok: false; code: ConnectRefusal; reason: string };

export interface CanConnectOptions {
  /** An edge being replaced (reconnect); it is ignored for the "input taken" and cycle checks. */
  ignoreEdgeId?: string;
}

function titleOf(doc: WorkflowDocument, registry: Registry, nodeId: string): string {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return nodeId;
  return node.label || registry.get(node.type)?.title || node.type;
}

/**
 * Decides whether a wire from an output port to an input port is allowed, and if not, why, in
 * words the editor shows while the wire is dragged. The compiler and the file loader use the same
 * function, so the three can never disagree.
 * Order of checks follows chaiNNer: self-link, then types, then the single-input rule, then cycles.
 *
 * @example
 * canConnect(doc, { node: "img", port: "image" }, { node: "lora", port: "model" }, registry)
 * // → { ok: false, code: "type-mismatch", reason: "LoRA expects a model, not an image" }
 */
export function canConnect(
  doc: WorkflowDocument,
  from: PortRef,
  to: PortRef,
  registry: Registry,
  options: CanConnectOptions = {},
): ConnectResult {
  if (from.node === to.node) return { ok: false, code: "self-link", reason: "A node cannot be wired to itself" };
  const source = doc.nodes.find((n) => n.id === from.node);
  const target = doc.nodes.find((n) => n.id === to.node);
  if (!source || !target) return { ok: false, code: "unknown-node", reason: "That node no longer exists" };
  const sourceDef = registry.get(source.type);
  const targetDef = registry.get(target.type);
  if (!sourceDef || !targetDef) {
    return { ok: false, code: "unknown-node", reason: `Unknown node type "${!sourceDef ? source.type : target.type}"` };
  }
  const out: PortSpec | undefined = sourceDef.outputs.find((p) => p.id === from.port);
  const inp: PortSpec | undefined = targetDef.inputs.find((p) => p.id === to.port);
  if (!out)
    return {
      ok: false,
      code: "unknown-port",
      reason: `${titleOf(doc, registry, from.node)} has no output "${from.port}"`,
    };
  if (!inp)
    return { ok: false, code: "unknown-port", reason: `${titleOf(doc, registry, to.node)} has no input "${to.port}"` };

  if (out.kind !== inp.kind) {
    const targetTitle = titleOf(doc, registry, to.node);
    const portNote =
      targetDef.inputs.filter((p) => p.kind === inp.kind).length > 1 ||
      inp.label.toLowerCase() !== PORT_KIND_INFO[inp.kind].label.toLowerCase()
        ? ` on "${inp.label}"`
        : "";
    return {
      ok: false,
      code: "type-mismatch",
      reason: `${targetTitle} expects ${PORT_KIND_INFO[inp.kind].noun}${portNote}, not ${PORT_KIND_INFO[out.kind].noun}`,
    };
  }

  const existing = doc.edges.filter(
    (e) => e.id !== options.ignoreEdgeId && e.target === to.node && e.targetHandle === to.port,
  );
  if (existing.some((e) => e.source === from.node && e.sourceHandle === from.port)) {
    return { ok: false, code: "duplicate", reason: "These ports are already wired" };
  }
  if (!inp.multiple && existing.length > 0) {
    return {
      ok: false,
      code: "input-taken",
      reason: `"${inp.label}" on ${titleOf(doc, registry, to.node)} already has a wire; remove it first`,
    };
  }

  if (reaches(doc, to.node, from.node, options.ignoreEdgeId)) {
    return { ok: false, code: "cycle", reason: "This wire would make a loop: the output already feeds this node" };
  }
  return { ok: true };
}

/**
 * The editor's wiring rule on top of canConnect: a wire dropped on a single input that already
 * has one takes its place, as in ComfyUI. Answers what canConnect would say once the old wire is
 * gone, and which wire that is (`replaces`), so the store and the canvas's drag feedback agree.
 *
 * @example
 * const { verdict, replaces } = canConnectReplacing(doc, from, to, registry);
 * if (verdict.ok) edges = edges.filter((e) => e.id !== replaces).concat(newEdge);
 */
export function canConnectReplacing(
  doc: WorkflowDocument,
  from: PortRef,
  to: PortRef,
  registry: Registry,
): { verdict: ConnectResult; replaces?: string } {
  const verdict = canConnect(doc, from, to, registry);
  if (verdict.ok || verdict.code !== "input-taken") return { verdict };
  const old = doc.edges.find((e) => e.target === to.node && e.targetHandle === to.port);
  if (!old) return { verdict };
  const without = canConnect(doc, from, to, registry, { ignoreEdgeId: old.id });
  return without.ok ? { verdict: without, replaces: old.id } : { verdict: without };
}

/** Whether `start` can reach `goal` following wires downstream. Iterative: graphs can be deep. */
function reaches(doc: WorkflowDocument, start: string, goal: string, ignoreEdgeId?: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (e.id === ignoreEdgeId) continue;
    let list = next.get(e.source);
    if (!list) next.set(e.source, (list = []));
    list.push(e.target);
  }
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === goal) return true;
    for (const m of next.get(n) ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return false;
}
