/**
 * `lora-graph explain [TYPE]`: what a node does, its ports, and each param with the request
 * field it fills, for an 80-column terminal. Everything comes from the node definitions, so
 * the text cannot drift from what the editor and compiler use.
 */
import {
  explainerOf,
  loadExplainers,
  Sourced,
  type NodeDefinition,
  type ParamSpec,
  type PortSpec,
  type Registry,
} from "../graph";
import { EXIT, type Command } from "./context";
import { InputError } from "./io";

export const WIDTH = 80;

export const explainCommand: Command = {
  summary: "Explain a node type: what it does, its ports and params",
  usage: "[TYPE]",
  details: [
    "Without TYPE, lists every node type with its one-line description.",
    'TYPE is a node type such as lora or sampler (ip-adapter and titles such as "IP-Adapter" work too).',
    "With --json, stdout holds { nodes } (the list) or the node's data.",
    "Exit 0, or 2 for an unknown TYPE (the valid types are listed).",
  ].join("\n"),
  async run(ctx) {
    if (ctx.positionals.length > 1) {
      throw new InputError(
        `explain takes at most one node type, got ${ctx.positionals.length}; see lora-graph explain --help`,
      );
    }
    const [wanted] = ctx.positionals;
    if (wanted === undefined) {
      const list = ctx.registry
        .list()
        .map((d) => ({ type: d.type, title: d.title, category: d.category.name, description: d.description }));
      ctx.io.stdout(ctx.json ? `${JSON.stringify({ nodes: list }, null, 2)}\n` : formatList(ctx.registry));
      return EXIT.ok;
    }
    const def = findType(ctx.registry, wanted);
    if (!def) {
      throw new InputError(
        `unknown node type "${wanted}"; the node types are ${ctx.registry
          .list()
          .map((d) => d.type)
          .join(", ")}`,
      );
    }
    await loadExplainers([def]);
    const info = describeNode(def);
    ctx.io.stdout(ctx.json ? `${JSON.stringify(info, null, 2)}\n` : formatNode(info));
    return EXIT.ok;
  },
};

/** Exact type first, then the same name spelled loosely ("IP-Adapter", "ip adapter", "Base model"). */
export function findType(registry: Registry, wanted: string): NodeDefinition | undefined {
  const exact = registry.get(wanted);
  if (exact) return exact;
  const loose = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_");
  const key = loose(wanted);
  return registry.list().find((d) => loose(d.type) === key || loose(d.title) === key);
}

export interface PortInfo {
  id: string;
  label: string;
  kind: string;
  required: boolean;
  multiple: boolean;
  description?: string;
}

export interface ParamInfo {
  name: string;
  label: string;
  /** Where the value goes in the fal request ("loras[].scale"), or null when it is not sent itself. */
  apiField: string | null;
  /** When the value travels on an output port instead: that port's id. */
  viaPort?: string;
  description: string;
  explain?: string;
  default?: unknown;
  required: boolean;
  advanced: boolean;
  min?: number;
  max?: number;
  step?: number;
  options?: readonly string[];
  unconfirmedRange?: { min?: number; max?: number; source: string };
}

export interface NodeInfo {
  type: string;
  title: string;
  category: string;
  description: string;
  summary?: string;
  mistakes: string[];
  inputs: PortInfo[];
  outputs: PortInfo[];
  params: ParamInfo[];
}

/** `def` for the terminal; its teaching text only once `loadExplainers` has fetched it. */
export function describeNode(def: NodeDefinition): NodeInfo {
  const fields = apiFields(def);
  const explainer = explainerOf(def);
  const port = (p: PortSpec): PortInfo => ({
    id: p.id,
    label: p.label,
    kind: p.kind,
    required: p.required === true,
    multiple: p.multiple === true,
    ...(p.description ? { description: p.description } : {}),
  });
  return {
    type: def.type,
    title: def.title,
    category: def.category.name,
    description: def.description,
    ...(explainer?.summary ? { summary: explainer.summary } : {}),
    mistakes: [...(explainer?.mistakes ?? [])],
    inputs: def.inputs.map(port),
    outputs: def.outputs.map(port),
    params: Object.entries(def.params).map(([name, spec]: [string, ParamSpec]) => {
      const where = fields.get(name);
      const p: ParamInfo = {
        name,
        label: spec.label,
        apiField: where?.field ?? null,
        description: spec.description,
        required: spec.required === true,
        advanced: spec.advanced === true,
      };
      if (where?.port) p.viaPort = where.port;
      const explain = explainer?.params?.[name];
      if (explain) p.explain = explain;
      if (spec.default !== undefined) p.default = spec.default;
      // A step only means something for numbers; the builders give every number one.
      if (spec.min !== undefined) p.min = spec.min;
      if (spec.max !== undefined) p.max = spec.max;
      if (spec.step !== undefined && (spec.widget === "slider" || spec.widget === "number")) p.step = spec.step;
      if (spec.options) p.options = spec.options;
      if (spec.unconfirmedRange) p.unconfirmedRange = spec.unconfirmedRange;
      return p;
    }),
  };
}

const MARK = "\u0000lora-graph-explain:";

/**
 * Which request field each param fills, found by running the node's own `contribute` with a
 * marker value per param and seeing where the markers land: set → "key", append → "list[].key",
 * emit → a port (an emitted object's keys are request keys the receiving node copies across).
 * Run with and without wired inputs, since nodes set some fields only in one case.
 */
export function apiFields(def: NodeDefinition): Map<string, { field: string | null; port?: string }> {
  const found = new Map<string, { field: string | null; port?: string }>();
  const paramOf = (v: unknown) => (typeof v === "string" && v.startsWith(MARK) ? v.slice(MARK.length) : undefined);
  const note = (v: unknown, field: string | null, port?: string) => {
    const name = paramOf(v instanceof Sourced ? v.value : v);
    if (name !== undefined && !found.get(name)?.field) found.set(name, { field, ...(port ? { port } : {}) });
  };
  const params = Object.fromEntries(Object.keys(def.params).map((k) => [k, `${MARK}${k}`]));
  for (const wired of [false, true]) {
    const placeholder = (port: string) => new Sourced(`wired:${port}`, { nodeId: "other" });
    try {
      def.contribute?.({
        nodeId: "explain",
        params,
        input: (port: string) => (wired ? placeholder(port) : undefined),
        inputs: (port: string) => (wired ? [placeholder(port)] : []),
        emit(port, value) {
          if (value && typeof value === "object" && !(value instanceof Sourced)) {
            for (const [k, v] of Object.entries(value)) note(v, k, port);
          } else note(value, null, port);
        },
        set: (key, value) => note(value, key),
        append(list, item) {
          for (const [k, v] of Object.entries(item)) note(v, `${list}[].${k}`);
          return 0;
        },
        setEndpoint() {},
        report() {},
      } as Parameters<NonNullable<NodeDefinition["contribute"]>>[0]);
    } catch {
      // A node that cannot run on markers keeps what was found; the rest shows as not sent.
    }
  }
  return found;
}

// ---------- text ----------

/** Greedy word wrap; `first` prefixes the first line, `rest` the others. */
export function wrap(text: string, first = "", rest = first, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? "" : " ") + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

function formatList(registry: Registry): string {
  const defs = registry.list();
  const w = Math.max(...defs.map((d) => d.type.length)) + 2;
  const out = ["Node types (lora-graph explain <type> for one):", ""];
  for (const d of defs) out.push(...wrap(`${d.title}: ${d.description}`, `  ${d.type.padEnd(w)}`, " ".repeat(w + 2)));
  out.push("");
  return out.join("\n");
}

function value(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

function num(n: number): string {
  return n === Number.MAX_SAFE_INTEGER ? "2^53-1" : String(n);
}

function range(min?: number, max?: number): string | undefined {
  if (min !== undefined && max !== undefined) return `range ${num(min)} to ${num(max)}`;
  if (min !== undefined) return `min ${num(min)}`;
  if (max !== undefined) return `max ${num(max)}`;
  return undefined;
}

function portLine(p: PortInfo, w: number): string[] {
  const flags = [`${p.kind} wire`, p.required ? "required" : "", p.multiple ? "takes several" : ""]
    .filter(Boolean)
    .join(", ");
  return wrap(
    `${p.label} (${flags})${p.description ? `: ${p.description}` : ""}`,
    `  ${p.id.padEnd(w)}`,
    " ".repeat(w + 2),
  );
}

function formatNode(n: NodeInfo): string {
  const out: string[] = [`${n.title} (${n.type}), ${n.category}`, ...wrap(n.description), ""];
  if (n.summary) out.push(...wrap(n.summary), "");
  const portW = Math.max(0, ...[...n.inputs, ...n.outputs].map((p) => p.id.length)) + 2;
  out.push("Inputs:");
  out.push(...(n.inputs.length ? n.inputs.flatMap((p) => portLine(p, portW)) : ["  none"]));
  out.push("Outputs:");
  out.push(...(n.outputs.length ? n.outputs.flatMap((p) => portLine(p, portW)) : ["  none"]));
  out.push("");
  out.push("Params:");
  if (n.params.length === 0) out.push("  none");
  for (const [i, p] of n.params.entries()) {
    if (i > 0) out.push("");
    const where = p.apiField
      ? `→ ${p.apiField}`
      : p.viaPort
        ? `→ sent on the ${p.viaPort} output`
        : "→ no request field of its own";
    out.push(...wrap(`${p.name} (${p.label}${p.advanced ? ", advanced" : ""}) ${where}`, "  ", "      "));
    const facts = [
      p.required
        ? "required"
        : p.default !== undefined
          ? `default ${value(p.default)}`
          : "no default (left out of the request)",
      range(p.min, p.max),
      p.step !== undefined && p.step !== 1 && `step ${p.step}`,
      p.options && `one of ${p.options.join(", ")}`,
      p.unconfirmedRange &&
        `believed ${range(p.unconfirmedRange.min, p.unconfirmedRange.max)} (unconfirmed: outside it warns, never blocks)`,
    ].filter(Boolean) as string[];
    if (p.required && p.default !== undefined) facts.splice(1, 0, `default ${value(p.default)}`);
    out.push(...wrap(`${facts.join("; ")}.`, "      "));
    out.push(...wrap(p.description, "      "));
    if (p.explain) out.push(...wrap(p.explain, "      "));
  }
  if (n.mistakes.length) {
    out.push("", "Common mistakes:");
    for (const m of n.mistakes) out.push(...wrap(m, "  - ", "    "));
  }
  out.push("");
  return out.join("\n");
}
