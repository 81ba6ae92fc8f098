// In the core because both the compiler's import layout and the editor place nodes by it.
import type { NodeDefinition } from "./defineNode";
import type { WorkflowNode } from "./document";

/**
 * Geometry of a node as the editor's styles.css draws it (.gnode width, .node-head height, .port
 * rows, one field per visible setting), read off a rendered node. The one estimate the import
 * layout, the editor's placement and its culling share; a node the editor has measured uses its
 * real size instead.
 */
export const NODE_GEOMETRY = {
  width: 268,
  firstPortTop: 45.5,
  portPitch: 22,
  handle: 11,
  headAndPorts: 47,
  field: 50,
  fold: 30,
  /** A collapsed node: its title bar and borders (comforts.css .gnode.collapsed). */
  bar: 36,
} as const;

/** How big a node of this type draws, from its ports and settings (close enough to place and cull by). */
export function estimateNodeSize(
  node: Pick<WorkflowNode, "expanded" | "collapsed">,
  def: NodeDefinition | undefined,
): { width: number; height: number } {
  const g = NODE_GEOMETRY;
  if (!def) return { width: g.width, height: 80 };
  if (def.inert) return { width: 240, height: 120 };
  if (node.collapsed) return { width: g.width, height: g.bar };
  const rows = Math.max(def.inputs.length, def.outputs.length);
  const specs = Object.values(def.params);
  const basic = specs.filter((s) => !s.advanced).length;
  const advanced = specs.length - basic;
  const folded = advanced ? g.fold + (node.expanded ? advanced * g.field : 0) : 0;
  return { width: g.width, height: g.headAndPorts + rows * g.portPitch + basic * g.field + folded };
}
