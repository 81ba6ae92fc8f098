import type { WorkflowEdge } from "../../graph";
import { useEditor } from "../store/react";

/**
 * Settings that do nothing in the current wiring, per node type: the node hides them and the
 * inspector dims them with the reason. Only what the compiler really drops belongs here (see the
 * sampler's contribute: noise_strength is sent only with an init image, image_size only without).
 */
const RULES: Record<string, readonly { param: string; whenInput: string; wired: boolean; hint: string }[]> = {
  sampler: [
    {
      param: "noise_strength",
      whenInput: "init_image",
      wired: false,
      hint: "Only used with an init image (image-to-image or inpaint): wire one to “Init image”.",
    },
    {
      param: "image_size",
      whenInput: "init_image",
      wired: true,
      hint: "Not used with an init image: the result takes the init image's size.",
    },
  ],
};

/** The inactive settings of a node and why, from the wires into it. */
export function inactiveParams(type: string, nodeId: string, edges: readonly WorkflowEdge[]): Record<string, string> {
  const rules = RULES[type];
  if (!rules) return {};
  const out: Record<string, string> = {};
  for (const r of rules) {
    const wired = edges.some((e) => e.target === nodeId && e.targetHandle === r.whenInput);
    if (wired === r.wired) out[r.param] = r.hint;
  }
  return out;
}

const NONE: Record<string, string> = {};

/** Per wire list (a param edit keeps the same one): selectors run on every store change, and a scan of 1,000 wires per Sampler per keystroke adds up. */
const keys = new WeakMap<readonly WorkflowEdge[], Map<string, string>>();
function inactiveKey(type: string, nodeId: string, edges: readonly WorkflowEdge[]): string {
  let byNode = keys.get(edges);
  if (!byNode) keys.set(edges, (byNode = new Map()));
  let key = byNode.get(nodeId);
  if (key === undefined) byNode.set(nodeId, (key = Object.keys(inactiveParams(type, nodeId, edges)).join("|")));
  return key;
}

/**
 * inactiveParams as a hook. The selector returns a string, so a node re-renders only when its set
 * of inactive settings changes, not on every wire edit elsewhere; types without rules cost nothing.
 */
export function useInactiveParams(type: string, nodeId: string): Record<string, string> {
  const key = useEditor((s) => (RULES[type] ? inactiveKey(type, nodeId, s.document.edges) : ""));
  if (!key) return NONE;
  const rules = RULES[type]!;
  return Object.fromEntries(key.split("|").map((p) => [p, rules.find((r) => r.param === p)!.hint]));
}
