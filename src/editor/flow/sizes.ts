import { Position, type NodeHandle } from "@xyflow/react";
import type { NodeDefinition, WorkflowNode } from "../../graph";
import { estimateNodeSize, NODE_GEOMETRY } from "../../graph";

/** A size for a node xyflow has not measured: the last one of its type, else from its definition. */
export function estimatedSize(
  typeSizes: ReadonlyMap<string, { width: number; height: number }>,
  def: NodeDefinition | undefined,
  node: WorkflowNode,
): { width: number; height: number } {
  // A collapsed node is its bar, whatever size others of its type were drawn.
  return (!node.collapsed && typeSizes.get(node.type)) || estimateNodeSize(node, def);
}

/**
 * Where a node's handles sit, from its ports alone (the ports block comes right under the head,
 * whatever the params). xyflow only culls a node it knows the handles of, so without this every
 * node of a freshly opened file is mounted once just to be measured: 5,000 nodes froze the page
 * for seconds. With estimated handles only the nodes on screen mount; each gets measured as it does.
 */
export function estimatedHandles(def: NodeDefinition | undefined): NodeHandle[] {
  if (!def) return [];
  const { firstPortTop, portPitch, handle, width } = NODE_GEOMETRY;
  const at = (i: number) => firstPortTop + i * portPitch;
  return [
    ...def.inputs.map((p, i): NodeHandle => ({
      id: p.id,
      type: "target",
      position: Position.Left,
      x: -handle / 2 + 1,
      y: at(i),
      width: handle,
      height: handle,
    })),
    ...def.outputs.map((p, i): NodeHandle => ({
      id: p.id,
      type: "source",
      position: Position.Right,
      x: width - handle / 2 - 1,
      y: at(i),
      width: handle,
      height: handle,
    })),
  ];
}
