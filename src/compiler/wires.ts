/**
 * Step 2 of a compile: the document's wires, checked and attached to the inputs they feed, and the
 * order in which an output's upstream nodes are walked. Nodes are indexed by their position, so a
 * walk keeps its per-node state in plain arrays rather than maps keyed by id.
 */
import { PORT_KIND_INFO, type Diagnostic, type NodeDefinition, type WorkflowEdge } from "../graph";
import type { CheckedNode } from "./nodeChecks";

/** A node of one compile, with the wires into it. */
export interface GraphNode {
  id: string;
  /** Position among the document's nodes (unique ids): walks keep per-node state in arrays by it. */
  index: number;
  checked: CheckedNode;
  /** Per input port, in the definition's order: the accepted wires, in file order (unset: none yet). */
  inputs: (Wire[] | undefined)[];
}

/** An accepted wire, seen from the input it feeds. */
export interface Wire {
  from: GraphNode;
  /** The position of the source's output port in its definition (-1 when its type is unknown). */
  port: number;
}

/** The nodes of one compile (unique ids, document order) and the same by id. */
export interface Graph {
  nodes: GraphNode[];
  byId: Map<string, GraphNode>;
}

/**
 * The wires of an input without any. Not frozen, only typed readonly: a frozen array among the
 * ordinary ones makes V8 allocate an iterator for every for…of over wires, 2 MB of a 10,000-node
 * compile (docs/benchmarks.md#the-compiler).
 */
const NO_WIRES: readonly Wire[] = [];

/** The wires into input `at` (its position in the definition) of a node, in file order. */
export function wiresOn(node: GraphNode, at: number): readonly Wire[] {
  return node.inputs[at] ?? NO_WIRES;
}

/** A port's position in its definition, or -1. */
export function portIndex(def: NodeDefinition | undefined, dir: "inputs" | "outputs", port: string): number {
  const ports = def?.[dir] ?? [];
  for (let i = 0; i < ports.length; i++) if (ports[i].id === port) return i;
  return -1;
}

/**
 * Attaches each wire whose two ends exist and agree to the input it feeds, and reports every other
 * one (a missing node or port, a kind mismatch, a second wire into a single input) on the node and
 * port at fault. A wire from a node of unknown type is kept, so the input it feeds can say where
 * its value was lost. Cycles are left to the walk, which finds them per output.
 */
export function attachWires(graph: Graph, edges: readonly WorkflowEdge[], diagnostics: Diagnostic[]): void {
  for (const e of edges) {
    const source = graph.byId.get(e.source);
    const target = graph.byId.get(e.target);
    const refusal = refuseWire(e, source?.checked, target?.checked);
    if (refusal) {
      diagnostics.push({ severity: "error", code: "invalid-edge", edgeId: e.id, ...refusal });
      continue;
    }
    const def = target!.checked.def;
    const at = portIndex(def, "inputs", e.targetHandle);
    if (!def || at < 0) continue; // an unknown type, reported on its node
    const wires = target!.inputs[at];
    const input = def.inputs[at];
    if (wires && !input.multiple) {
      diagnostics.push({
        severity: "error",
        code: "duplicate-input",
        message: `"${input.label}" on ${target!.checked.node.label || def.title} takes one wire but has ${wires.length + 1}`,
        edgeId: e.id,
        nodeId: e.target,
        field: e.targetHandle,
      });
      continue;
    }
    const wire: Wire = { from: source!, port: portIndex(source!.checked.def, "outputs", e.sourceHandle) };
    // Sized as needed: most inputs have one wire, and an empty [] grows room for 17 on its first push.
    if (wires) wires.push(wire);
    else target!.inputs[at] = [wire];
  }
}

/** Why a wire cannot be kept, as the parts of an invalid-edge diagnostic; undefined when it can. */
function refuseWire(
  e: WorkflowEdge,
  source: CheckedNode | undefined,
  target: CheckedNode | undefined,
): Pick<Diagnostic, "message" | "nodeId" | "field"> | undefined {
  if (!source || !target) {
    const message = `A wire points at a missing node "${!source ? e.source : e.target}"`;
    return { message, nodeId: source ? e.source : target ? e.target : undefined };
  }
  if (!source.def || !target.def) return undefined;
  // portIndex, not ports.find(p => …): a closure per wire adds up over a 10,000-node document.
  const out = source.def.outputs[portIndex(source.def, "outputs", e.sourceHandle)];
  if (!out) return { message: `${source.def.title} has no output "${e.sourceHandle}"`, nodeId: e.source };
  const inp = target.def.inputs[portIndex(target.def, "inputs", e.targetHandle)];
  if (!inp) return { message: `${target.def.title} has no input "${e.targetHandle}"`, nodeId: e.target };
  if (out.kind === inp.kind) return undefined;
  const expects = `expects ${PORT_KIND_INFO[inp.kind].noun} on "${inp.label}", not ${PORT_KIND_INFO[out.kind].noun}`;
  return { message: `${target.node.label || target.def.title} ${expects}`, nodeId: e.target, field: e.targetHandle };
}

/**
 * Every node upstream of `output`, each after all the nodes that feed it (output last). Inputs are
 * followed in port order, each port's wires in file order, so the order is stable for a document.
 * Nodes on a loop are reported (each once) and returned in `onLoop`.
 * Iterative, because a 10,000-node chain would overflow the call stack.
 */
export function upstreamOrder(
  output: GraphNode,
  graph: Graph,
): { order: GraphNode[]; onLoop: Set<GraphNode>; diagnostics: Diagnostic[] } {
  const order: GraphNode[] = [];
  const onLoop = new Set<GraphNode>();
  const diagnostics: Diagnostic[] = [];
  const mark: ("on stack" | "done" | undefined)[] = new Array(graph.nodes.length);
  // Each frame is a node and a cursor over its wires: port `at`, wire `i` of that port.
  const stack: { node: GraphNode; at: number; i: number }[] = [];
  const push = (node: GraphNode) => {
    mark[node.index] = "on stack";
    stack.push({ node, at: 0, i: 0 });
  };
  push(output);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const feeder = nextFeeder(top);
    if (!feeder) {
      stack.pop();
      mark[top.node.index] = "done";
      order.push(top.node);
    } else if (mark[feeder.index] === undefined) {
      push(feeder);
    } else if (mark[feeder.index] === "on stack") {
      // A loop: every node on the stack from `feeder` up to the top is on it.
      for (let k = stack.length - 1; k >= 0; k--) {
        const member = stack[k].node;
        if (!onLoop.has(member)) {
          onLoop.add(member);
          const message = "This node is part of a loop; wires must flow one way into the Sampler";
          diagnostics.push({ severity: "error", code: "cycle", message, nodeId: member.id });
        }
        if (member === feeder) break;
      }
    }
  }
  return { order, onLoop, diagnostics };
}

/** The next node wired into a frame's node (port order, then file order), advancing its cursor. */
function nextFeeder(frame: { node: GraphNode; at: number; i: number }): GraphNode | undefined {
  const { inputs } = frame.node;
  for (; frame.at < inputs.length; frame.at++, frame.i = 0) {
    const wires = inputs[frame.at];
    if (wires && frame.i < wires.length) return wires[frame.i++].from;
  }
  return undefined;
}
