/**
 * What only a canvas with nodes draws, in one chunk that drawnSlots.tsx loads: the node views
 * (GraphNode with its fields, widgets, output strip and node pictures), the wires (GraphEdge, with
 * their reroute points), the minimap, the canvas a big graph draws the nodes and wires xyflow does
 * not hold on (WireCanvas.tsx), the groups' frames (GroupFrame.tsx), and the placing of new and
 * opened nodes by their drawn sizes (settle.ts).
 */
export { GraphNode } from "./GraphNode";
export { GraphEdge } from "./GraphEdge";
export { MiniMap } from "./MiniMap";
export { WireLayer } from "./WireCanvas";
export { GroupFrame } from "./GroupFrame";
export { Settle } from "./settle";
