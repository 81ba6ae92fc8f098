import type { NodeDefinition, WorkflowEdge } from "../../graph";
import { useEditor } from "../store/react";

/**
 * Settings that do nothing in the current wiring: the node hides them and the inspector dims them
 * with the reason. Each param says so itself (`ignoredWhen` in its spec, e.g. the Sampler's
 * Denoise without an init image), so only what the compiler really drops is listed.
 */
type Rule = { param: string; input: string; wired: boolean; hint: string };

/** A definition's rules, read once per definition (a cache of loaded code). */
const rulesOf = new WeakMap<NodeDefinition, readonly Rule[]>();
function rules(def: NodeDefinition): readonly Rule[] {
  let r = rulesOf.get(def);
  if (!r)
    rulesOf.set(
      def,
      (r = Object.entries(def.params).flatMap(([param, s]) => (s.ignoredWhen ? [{ param, ...s.ignoredWhen }] : []))),
    );
  return r;
}

/**
 * The wired inputs of each node ("node id, NUL, input id"), once per wire list: a scan of every
 * wire per rule per node cost ~160 ms of the task that mounted the first nodes of a 5,000-node file.
 */
const wiredInputs = new WeakMap<readonly WorkflowEdge[], Set<string>>();
function wiredOf(edges: readonly WorkflowEdge[]): Set<string> {
  let set = wiredInputs.get(edges);
  if (!set) wiredInputs.set(edges, (set = new Set(edges.map((e) => `${e.target}\u0000${e.targetHandle}`))));
  return set;
}

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

/** Per wire list (a param edit keeps the same one): selectors run on every store change, and a scan of 1,000 wires per Sampler per keystroke adds up. */
const keys = new WeakMap<readonly WorkflowEdge[], Map<string, string>>();
function inactiveKey(def: NodeDefinition, nodeId: string, edges: readonly WorkflowEdge[]): string {
  let byNode = keys.get(edges);
  if (!byNode) keys.set(edges, (byNode = new Map()));
  let key = byNode.get(nodeId);
  if (key === undefined) byNode.set(nodeId, (key = Object.keys(inactiveParams(def, nodeId, edges)).join("|")));
  return key;
}

/**
 * inactiveParams as a hook. The selector returns a string, so a node re-renders only when its set
 * of inactive settings changes, not on every wire edit elsewhere; types without rules cost nothing.
 */
export function useInactiveParams(def: NodeDefinition | undefined, nodeId: string): Record<string, string> {
  const key = useEditor((s) => (def && rules(def).length ? inactiveKey(def, nodeId, s.view.edges) : ""));
  if (!key || !def) return NONE;
  return Object.fromEntries(key.split("|").map((p) => [p, def.params[p]!.ignoredWhen!.hint]));
}
