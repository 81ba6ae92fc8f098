/**
 * The graph both ComfyUI formats are read into: what ComfyUI itself would send to its server
 * (the API prompt), with node titles kept and with a record of what it leaves out (muted and
 * bypassed nodes, wires to muted nodes).
 */
import type { ComfySubgraph, Unmapped } from "./types";

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface Link {
  nodeId: string;
  slot: number;
}
export type InputValue = { link: Link } | { value: unknown };

export interface FlatNode {
  id: string;
  classType: string;
  title?: string;
  inputs: Map<string, InputValue>;
}

export interface SkippedNode {
  nodeId: string;
  classType: string;
  title?: string;
  why: "muted" | "bypassed" | "note";
  /** A note's text, for notes. */
  text?: string;
}

export interface FlatGraph {
  nodes: Map<string, FlatNode>;
  skipped: SkippedNode[];
  /** Inputs wired to a muted node: ComfyUI drops such a wire, so the input is empty. */
  cut: { nodeId: string; input: string; from: string }[];
  subgraphs: ComfySubgraph[];
  /** Problems met while reading the file itself. */
  problems: Unmapped[];
}

/** Most nodes read; real workflows have a few hundred. */
export const MAX_NODES = 5000;

export function emptyGraph(): FlatGraph {
  return { nodes: new Map(), skipped: [], cut: [], subgraphs: [], problems: [] };
}

/** `["12", 0]`: a wire in the API format. */
export function asLink(v: unknown): Link | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [id, slot] = v;
  if ((typeof id !== "string" && typeof id !== "number") || typeof slot !== "number") return undefined;
  if (!Number.isInteger(slot) || slot < 0) return undefined;
  return { nodeId: String(id), slot };
}

/** Does this look like an API prompt: an object of `{class_type, inputs}` entries? */
export function looksLikeApiPrompt(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  const values = Object.values(v);
  if (values.length === 0) return false;
  const nodes = values.filter((n) => isObj(n) && typeof n.class_type === "string").length;
  return nodes > 0 && nodes * 2 >= values.length;
}

/** Reads an API prompt. Entries that are not nodes are reported, never thrown on. */
export function readApiPrompt(prompt: Obj): FlatGraph {
  const g = emptyGraph();
  for (const [id, raw] of Object.entries(prompt)) {
    if (g.nodes.size >= MAX_NODES) {
      g.problems.push({
        severity: "error",
        message: `The prompt has more than ${MAX_NODES} nodes; only the first ${MAX_NODES} were read`,
      });
      break;
    }
    if (!isObj(raw) || typeof raw.class_type !== "string") {
      g.problems.push({ severity: "warning", nodeId: id, message: `Entry ${id} is not a ComfyUI node; skipped` });
      continue;
    }
    const inputs = new Map<string, InputValue>();
    if (isObj(raw.inputs)) {
      for (const [name, v] of Object.entries(raw.inputs)) {
        const link = asLink(v);
        if (link) inputs.set(name, { link });
        // The frontend wraps list values so the server does not read them as wires.
        else if (isObj(v) && Object.hasOwn(v, "__value__")) inputs.set(name, { value: v.__value__ });
        else inputs.set(name, { value: v });
      }
    } else if (raw.inputs !== undefined) {
      g.problems.push({
        severity: "warning",
        nodeId: id,
        classType: raw.class_type,
        message: `Node ${id} (${raw.class_type}) has inputs that are not an object; they were ignored`,
      });
    }
    const meta = raw._meta;
    const title = isObj(meta) && typeof meta.title === "string" ? meta.title : undefined;
    g.nodes.set(id, { id, classType: raw.class_type, ...(title !== undefined ? { title } : {}), inputs });
  }
  return g;
}
