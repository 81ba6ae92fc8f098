import type { NodeDefinition, WorkflowEdge } from "../../graph";
import { weakMemo, weakMemo2 } from "../../shared/weakMemo";
import { useEditor } from "../store/react";

/**
 * Settings that do nothing in the current wiring: the node hides them and the inspector dims them
 * with the reason. Each param says so itself (`ignoredWhen` in its spec, e.g. the Sampler's
 * Denoise without an init image), so only what the compiler really drops is listed.
 */
type Rule = { param: string; input: string; wired: boolean; hint: string };

/** A definition's rules, read once per (frozen) definition. */
const rules = weakMemo((def: NodeDefinition): readonly Rule[] =>
  Object.entries(def.params).flatMap(([param, s]) => (s.ignoredWhen ? [{ param, ...s.ignoredWhen }] : [])),
);

/**
 * The wired inputs of each node ("node id, NUL, input id"), once per wire list: a scan of every
 * wire per rule per node cost ~160 ms of the task that mounted the first nodes of a 5,000-node file.
 */
const wiredOf = weakMemo(
  (edges: readonly WorkflowEdge[]) => new Set(edges.map((e) => `${e.target}\u0000${e.targetHandle}`)),
);

/** The inactive settings of a node and why, from the wires into it. */
export function inactiveParams(
  def: NodeDefinition | undefined,
  nodeId: string,
  edges: readonly WorkflowEdge[],
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!def) return out;
  const rs = rules(def);
  if (!rs.length) return out;
  const wired = wiredOf(edges);
  for (const r of rs) if (wired.has(`${nodeId}\u0000${r.input}`) === r.wired) out[r.param] = r.hint;
  return out;
}

const NONE: Record<string, string> = {};

/**
 * Per wire list (a param edit keeps the same one), then per definition and node: selectors run on
 * every store change, and a scan of 1,000 wires per Sampler per keystroke adds up.
 */
const inactiveKeys = weakMemo((edges: readonly WorkflowEdge[]) =>
  weakMemo2((def: NodeDefinition, nodeId: string) => Object.keys(inactiveParams(def, nodeId, edges)).join("|")),
);

/**
 * inactiveParams as a hook. The selector returns a string, so a node re-renders only when its set
 * of inactive settings changes, not on every wire edit elsewhere; types without rules cost nothing.
 */
export function useInactiveParams(def: NodeDefinition | undefined, nodeId: string): Record<string, string> {
  const key = useEditor((s) => (def && rules(def).length ? inactiveKeys(s.view.edges)(def, nodeId) : ""));
  if (!key || !def) return NONE;
  return Object.fromEntries(key.split("|").map((p) => [p, def.params[p]!.ignoredWhen!.hint]));
}
