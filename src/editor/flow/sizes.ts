import { Position, type NodeHandle } from "@xyflow/react";
import type { NodeDefinition, WorkflowNode } from "../../graph";

/** Measured node sizes (from xyflow), kept outside the document: layout needs them, saving does not. */
export const nodeSizes = new Map<string, { width: number; height: number }>();

/** The last measured size of any node of each type: the best guess for an unmeasured one. */
export const typeSizes = new Map<string, { width: number; height: number }>();

/*
 * Geometry of a node as styles.css lays it out (.gnode width, .node-head height, .port rows), read
 * off a rendered node. Only used for nodes not measured yet; a measured node uses its real size.
 */
const NODE_WIDTH = 268;
const FIRST_PORT_TOP = 45.5;
const PORT_PITCH = 22;
const HANDLE = 11;
const HEAD_AND_PORTS = 35 + 12;
const FIELD_HEIGHT = 50;
const FOLD_HEIGHT = 30;

/** A size for a node xyflow has not measured: the last one of its type, else from its definition. */
export function estimatedSize(def: NodeDefinition | undefined, node: WorkflowNode): { width: number; height: number } {
  return typeSizes.get(node.type) ?? sizeFromDefinition(def, !!node.expanded);
}

/** How big a node of this type draws, from its ports and settings (close enough to cull and place by). */
export function sizeFromDefinition(
  def: NodeDefinition | undefined,
  expanded = false,
): { width: number; height: number } {
  if (!def) return { width: NODE_WIDTH, height: 80 };
  if (def.inert) return { width: 240, height: 120 };
  const rows = Math.max(def.inputs.length, def.outputs.length);
  const specs = Object.values(def.params);
  const basic = specs.filter((s) => !s.advanced).length;
  const advanced = specs.length - basic;
  const height =
    HEAD_AND_PORTS +
    rows * PORT_PITCH +
    basic * FIELD_HEIGHT +
    (advanced ? FOLD_HEIGHT + (expanded ? advanced * FIELD_HEIGHT : 0) : 0);
  return { width: NODE_WIDTH, height };
}

/**
 * Where a node's handles sit, from its ports alone (the ports block comes right under the head,
 * whatever the params). xyflow only culls a node it knows the handles of, so without this every
 * node of a freshly opened file is mounted once just to be measured: 5,000 nodes froze the page
 * for seconds. With estimated handles only the nodes on screen mount; each gets measured as it does.
 */
export function estimatedHandles(def: NodeDefinition | undefined): NodeHandle[] {
  if (!def) return [];
  const at = (i: number) => FIRST_PORT_TOP + i * PORT_PITCH;
  return [
    ...def.inputs.map((p, i): NodeHandle => ({
      id: p.id,
      type: "target",
      position: Position.Left,
      x: -HANDLE / 2 + 1,
      y: at(i),
      width: HANDLE,
      height: HANDLE,
    })),
    ...def.outputs.map((p, i): NodeHandle => ({
      id: p.id,
      type: "source",
      position: Position.Right,
      x: NODE_WIDTH - HANDLE / 2 - 1,
      y: at(i),
      width: HANDLE,
      height: HANDLE,
    })),
  ];
}
