/**
 * Parameter sweeps and ablations: one or two axes over node params (or over which nodes are
 * bypassed) expand to one document per cell, each compiled with the same seed so that only the
 * swept value differs. Compiling is cheap, so a sweep is just N compiled requests.
 */
import { createCompiler, type CompileOptions, type CompileResult } from "../compiler";
import {
  declaredPaths,
  type ComponentDefinition,
  type NodeDefinition,
  type Registry,
  type WorkflowDocument,
  type WorkflowNode,
} from "../graph";
import { nodeDisplayName } from "./names";
import { seedReach } from "./sweepSeed";

export const MAX_SWEEP_CELLS = 64;

/** Sweep one param of one node over a list of values. `null` means "leave unset" (the default). */
export interface ParamAxis {
  kind?: "param";
  nodeId: string;
  param: string;
  values: readonly unknown[];
}

/**
 * Switch nodes on and off (bypass). "each" (the default) gives all-on plus one cell per node
 * switched off, the classic ablation; "all" gives every on/off combination.
 */
export interface ToggleAxis {
  kind: "toggle";
  nodeIds: readonly string[];
  mode?: "each" | "all";
}

export type Axis = ParamAxis | ToggleAxis;

export interface SweepSpec {
  axes: readonly [Axis] | readonly [Axis, Axis];
  /** Seed for every Sampler in every cell; when absent the Sampler's own seed is kept. */
  seed?: number;
}

export interface SweepCell {
  /** Column (first axis) and row (second axis) index. */
  x: number;
  y: number;
  label: { x: string; y?: string };
  /** Read-only: cells share unchanged nodes with each other. */
  document: WorkflowDocument;
  compiled: CompileResult;
  /** Every output of this cell compiled without errors. */
  ok: boolean;
}

export interface SweepError {
  /** 0-based axis index, when the problem is an axis. */
  axis?: number;
  value?: unknown;
  /** Index into `cells`, when the problem is one cell's compile. */
  cell?: number;
  message: string;
}

export interface SweepResult {
  /** Empty when the sweep is refused (see errors). Row-major: y, then x. */
  cells: SweepCell[];
  /** Requests a run would send: one per compiled output of each cell. */
  requestCount: number;
  /** Why the sweep was refused, or which cells do not compile. */
  errors: SweepError[];
  titles: { x: string; y?: string };
  /** The seed every cell uses (when one Sampler seed applies to all). */
  seed?: number;
  notes: string[];
}

/**
 * Evenly spaced values from start to end inclusive, cleaned of float noise (0.1 + 0.2 → 0.3).
 * @example range(0, 1.2, 7) // [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]
 */
export function range(start: number, end: number, steps: number): number[] {
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new RangeError(`range: start and end must be finite numbers, got ${start} and ${end}`);
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`range: steps must be a whole number of at least 1, got ${steps}`);
  if (steps === 1) return [start];
  return Array.from({ length: steps }, (_, i) =>
    clean(i === steps - 1 ? end : start + ((end - start) * i) / (steps - 1)),
  );
}

/** Whole-number values from start to end inclusive (for steps, seeds…), duplicates removed. */
export function intRange(start: number, end: number, steps: number): number[] {
  return [...new Set(range(start, end, steps).map((v) => Math.round(v)))];
}

/**
 * Values typed as a list: "7.5, 4, 12" → [7.5, 4, 12]; "Euler; DDIM" → ["Euler", "DDIM"].
 * Commas, semicolons and new lines separate; numbers become numbers, true/false booleans.
 */
export function listValues(text: string): (string | number | boolean)[] {
  return String(text)
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) =>
      s === "true" ? true : s === "false" ? false : /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : s,
    );
}

function clean(v: number): number {
  return Number(v.toFixed(10));
}

interface AxisValue {
  label: string;
  apply(nodes: WorkflowNode[], index: Map<string, number>): void;
}

/**
 * Expands a sweep into compiled cells. Refuses (cells empty, errors filled) sweeps of more than
 * 64 cells, axes that name missing nodes or params, and values the param's schema refuses.
 *
 * @example
 * const { cells, errors } = expandSweep(doc, registry, {
 *   axes: [{ nodeId: "lora", param: "scale", values: range(0, 1, 5) }],
 * });
 */
export function expandSweep(
  doc: WorkflowDocument,
  registry: Registry,
  spec: SweepSpec,
  options: CompileOptions = {},
): SweepResult {
  const errors: SweepError[] = [];
  const byId = new Map(doc.nodes.map((n) => [n.id, n] as const));
  const axes = Array.isArray(spec?.axes) ? spec.axes : [];
  if (axes.length < 1 || axes.length > 2) {
    return refuse([{ message: `A sweep needs one or two axes, got ${axes.length}` }], { x: "" });
  }
  const { built, targets } = buildAxes(axes, byId, registry, errors);
  const titles = { x: built[0]?.title ?? "", y: built[1]?.title };
  if (errors.length) return refuse(errors, titles);

  const xs = built[0].values;
  const ys = built[1]?.values ?? [null];
  const count = xs.length * ys.length;
  if (count > MAX_SWEEP_CELLS) {
    const shape = built[1] ? `${xs.length} × ${ys.length}` : `${xs.length} values`;
    return refuse(
      [{ message: `This sweep makes ${count} cells (${shape}); the limit is ${MAX_SWEEP_CELLS}. Use fewer values.` }],
      titles,
    );
  }
  const seeds = planSeeds(doc, registry, spec, targets, byId);
  if ("refused" in seeds) return refuse([{ message: seeds.refused }], titles);
  const { cells, requestCount } = compileCells(doc, registry, options, seeds, xs, ys, errors);
  return { cells, requestCount, errors, titles, seed: seeds.seed, notes: seeds.notes };
}

/** Each axis built, and the `node\u0000param` targets they write; a target swept twice is an error. */
function buildAxes(
  axes: readonly Axis[],
  byId: Map<string, WorkflowNode>,
  registry: Registry,
  errors: SweepError[],
): { built: { title: string; values: AxisValue[] }[]; targets: Set<string> } {
  const targets = new Set<string>();
  const built: { title: string; values: AxisValue[] }[] = [];
  axes.forEach((axis, a) => {
    const cx: AxisContext = { a, where: `Axis ${a + 1}`, byId, registry, errors };
    const made = axis.kind === "toggle" ? toggleAxis(axis, cx) : paramAxis(axis, cx);
    if (!made) return;
    for (const t of made.targets) {
      if (targets.has(t))
        errors.push({
          axis: a,
          message: `Axis ${a + 1} sweeps ${t.replace("\u0000", " ")} again; the other axis already does`,
        });
      targets.add(t);
    }
    built.push(made);
  });
  return { built, targets };
}

/** The seed every cell shares, and the param patches (and component definitions) that carry it. */
interface SeedPlan {
  seed: number | undefined;
  seeded: Map<string, Record<string, unknown>>;
  components: ComponentDefinition[] | undefined;
  notes: string[];
}

/** One seed for every cell, so the swept value is the only difference. */
function planSeeds(
  doc: WorkflowDocument,
  registry: Registry,
  spec: SweepSpec,
  targets: Set<string>,
  byId: Map<string, WorkflowNode>,
): SeedPlan | { refused: string } {
  const reach = seedReach(doc, registry);
  const seedSwept = [...targets].some((t) => {
    const [id, param] = t.split("\u0000");
    const node = byId.get(id);
    return node !== undefined && reach.isSeed(node, param);
  });
  const samplers = doc.nodes.filter((n) => registry.get(n.type)?.isOutput);
  const plan: SeedPlan = { seed: undefined, seeded: new Map(), components: undefined, notes: [] };
  if (spec.seed !== undefined) {
    if (!Number.isSafeInteger(spec.seed) || spec.seed < 0)
      return { refused: `The sweep's seed must be a whole number of at least 0, got ${String(spec.seed)}` };
    const seed = spec.seed;
    plan.seed = seed;
    for (const s of samplers) plan.seeded.set(s.id, { seed });
    for (const n of doc.nodes) {
      const patch = reach.overrides(n, seed);
      if (patch) plan.seeded.set(n.id, patch);
    }
    plan.components = reach.components(seed, true);
  } else if (!seedSwept) {
    const seeds = reach.seeds();
    if (seeds.includes(undefined)) {
      const seed = stableSeed(doc);
      plan.seed = seed;
      for (const s of samplers) if (typeof s.params?.seed !== "number") plan.seeded.set(s.id, { seed });
      // A Sampler inside a component gets it through its definition, like an edit made inside.
      plan.components = reach.components(seed, false);
      plan.notes.push(
        `The Sampler has no seed, so every cell uses seed ${seed} (picked from the workflow, the same each time) to keep the comparison fair.`,
      );
    } else if (seeds.length === 1) plan.seed = seeds[0];
  }
  if (seedSwept) {
    plan.seeded.clear();
    plan.components = undefined;
  }
  return plan;
}

/** Every cell's document, compiled; a cell that does not compile adds an error. Row-major: y, then x. */
function compileCells(
  doc: WorkflowDocument,
  registry: Registry,
  options: CompileOptions,
  { seeded, components }: SeedPlan,
  xs: AxisValue[],
  ys: (AxisValue | null)[],
  errors: SweepError[],
): { cells: SweepCell[]; requestCount: number } {
  const index = new Map(doc.nodes.map((n, i) => [n.id, i] as const));
  // One compiler for every cell: cells share all nodes but the swept ones, whose checks it remembers.
  const compiler = createCompiler(options);
  const cells: SweepCell[] = [];
  let requestCount = 0;
  ys.forEach((yv, y) => {
    xs.forEach((xv, x) => {
      const nodes = doc.nodes.slice();
      for (const [id, patch] of seeded) {
        const i = index.get(id)!;
        nodes[i] = { ...nodes[i], params: { ...nodes[i].params, ...patch } };
      }
      xv.apply(nodes, index);
      yv?.apply(nodes, index);
      const document: WorkflowDocument = components ? { ...doc, nodes, components } : { ...doc, nodes };
      const compiled = compiler.compile(document, registry);
      const ok = compiled.outputs.length > 0 && compiled.outputs.every((o) => o.ok);
      requestCount += compiled.outputs.filter((o) => o.ok).length;
      const cell: SweepCell = {
        x,
        y,
        label: yv ? { x: xv.label, y: yv.label } : { x: xv.label },
        document,
        compiled,
        ok,
      };
      if (!ok) {
        const first = compiled.diagnostics.find((d) => d.severity === "error");
        errors.push({
          cell: cells.length,
          message: `Cell ${cellName(cell)} does not compile: ${first?.message ?? "no Sampler output"}`,
        });
      }
      cells.push(cell);
    });
  });
  return { cells, requestCount };
}

function cellName(cell: SweepCell): string {
  return cell.label.y !== undefined ? `"${cell.label.x} / ${cell.label.y}"` : `"${cell.label.x}"`;
}

function refuse(errors: SweepError[], titles: { x: string; y?: string }): SweepResult {
  return { cells: [], requestCount: 0, errors, titles, notes: [] };
}

/** An axis made ready: its title, its values, and the `node\u0000param` each value writes. */
interface BuiltAxis {
  title: string;
  values: AxisValue[];
  targets: string[];
}

/** What building axis `a` reads, and where it reports what is wrong (as "Axis 1 …"). */
interface AxisContext {
  a: number;
  where: string;
  byId: Map<string, WorkflowNode>;
  registry: Registry;
  errors: SweepError[];
}

function paramAxis(axis: ParamAxis, { a, where, byId, registry, errors }: AxisContext): BuiltAxis | null {
  const node = byId.get(axis?.nodeId);
  if (!node) {
    errors.push({ axis: a, message: `${where} names node "${String(axis?.nodeId)}", which is not in the workflow` });
    return null;
  }
  const def = registry.get(node.type);
  const spec = def?.params[axis.param];
  const name = nodeDisplayName(node, registry);
  if (!def || !spec) {
    errors.push({
      axis: a,
      message: `${where}: ${name} has no parameter "${String(axis.param)}"${def ? ` (it has ${Object.keys(def.params).join(", ")})` : ""}`,
    });
    return null;
  }
  if (!Array.isArray(axis.values) || axis.values.length === 0) {
    errors.push({ axis: a, message: `${where} (${name} · ${spec.label}) has no values` });
    return null;
  }
  const values: AxisValue[] = [];
  axis.values.forEach((value) => {
    if (value === undefined || value === null) {
      if (spec.required)
        errors.push({
          axis: a,
          value,
          message: `${where} (${name} · ${spec.label}): it cannot be left unset, it is required`,
        });
    } else {
      const r = spec.schema.safeParse(value);
      if (!r.success) {
        errors.push({
          axis: a,
          value,
          message: `${where} (${name} · ${spec.label}): ${formatValue(value)} ${issueText(r.error.issues[0]?.message)}`,
        });
      }
    }
    values.push({
      label: formatValue(value),
      apply(nodes, index) {
        const i = index.get(node.id)!;
        const params = { ...nodes[i].params };
        if (value === undefined || value === null) delete params[axis.param];
        else params[axis.param] = structuredClone(value);
        nodes[i] = { ...nodes[i], params };
      },
    });
  });
  return { title: `${name} · ${spec.label}`, values, targets: [`${node.id}\u0000${axis.param}`] };
}

/** The nodes of one type that an ablation may switch off, with the words to offer them in. */
export interface ToggleGroup {
  /** "LoRA": one of them. */
  one: string;
  /** "LoRA nodes": all of them. */
  many: string;
  nodeIds: string[];
}

/**
 * A node type worth switching off in an ablation: it adds something to the request, and passes its
 * input through (an output of the kind of one of its inputs), so the pipeline still runs without it
 * (bypass follows that input). LoRAs, ControlNets and IP-Adapters are; the base model and the
 * prompt, which start a chain, are not.
 */
export function isAblatable(def: NodeDefinition): boolean {
  if (def.isOutput || def.inert || declaredPaths(def).length === 0) return false;
  return def.outputs.some((o) => def.inputs.some((i) => i.kind === o.kind));
}

/** The document's switchable nodes, grouped by type in catalogue order. */
export function toggleGroups(doc: WorkflowDocument, registry: Registry): ToggleGroup[] {
  const out: ToggleGroup[] = [];
  for (const def of registry.list()) {
    if (!isAblatable(def)) continue;
    const nodeIds = doc.nodes.filter((n) => n.type === def.type).map((n) => n.id);
    if (nodeIds.length) out.push({ one: def.title, many: `${def.title} nodes`, nodeIds });
  }
  return out;
}

function toggleAxis(axis: ToggleAxis, { a, where, byId, registry, errors }: AxisContext): BuiltAxis | null {
  const ids = Array.isArray(axis.nodeIds) ? [...axis.nodeIds] : [];
  if (ids.length === 0) {
    errors.push({ axis: a, message: `${where} switches no nodes on and off; list at least one node` });
    return null;
  }
  const nodes: WorkflowNode[] = [];
  for (const id of ids) {
    const n = byId.get(id);
    if (!n)
      errors.push({ axis: a, value: id, message: `${where} switches node "${id}", which is not in the workflow` });
    else if (registry.get(n.type)?.isOutput)
      errors.push({ axis: a, value: id, message: `${where}: the Sampler output cannot be switched off` });
    else nodes.push(n);
  }
  if (nodes.length !== ids.length) return null;
  const names = nodes.map((n) => nodeDisplayName(n, registry));
  const sets: number[][] = [];
  if (axis.mode === "all") {
    if (nodes.length > 6) {
      errors.push({
        axis: a,
        message: `${where} switches ${nodes.length} nodes in every combination: ${2 ** nodes.length} cells, over the limit of ${MAX_SWEEP_CELLS}. Use mode "each" or fewer nodes.`,
      });
      return null;
    }
    // Every combination, most nodes on first.
    for (let mask = 0; mask < 1 << nodes.length; mask++) {
      sets.push(nodes.map((_, i) => i).filter((i) => mask & (1 << i)));
    }
    sets.sort((p, q) => p.length - q.length);
  } else {
    sets.push([]);
    nodes.forEach((_, i) => sets.push([i]));
  }
  const values: AxisValue[] = sets.map((off) => ({
    label:
      nodes.length === 1
        ? `${names[0]} ${off.length ? "off" : "on"}`
        : off.length === 0
          ? "all on"
          : off.length === nodes.length
            ? "all off"
            : `without ${off.map((i) => names[i]).join(" and ")}`,
    apply(list, index) {
      nodes.forEach((n, i) => {
        const at = index.get(n.id)!;
        const bypass = off.includes(i);
        if ((list[at].bypass === true) !== bypass) list[at] = { ...list[at], bypass };
      });
    },
  }));
  return {
    title: nodes.length === 1 ? names[0] : `Switched off`,
    values,
    targets: nodes.map((n) => `${n.id}\u0000bypass`),
  };
}

function issueText(message: string | undefined): string {
  if (!message) return "is not accepted";
  return /^(must|is|should|needs)\b/.test(message) ? message : `is not accepted: ${message}`;
}

/** Short label text for a swept value. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "default";
  if (typeof value === "number") return String(Number.isInteger(value) ? value : Number(value.toFixed(4)));
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "string") return value.length > 28 ? `${value.slice(0, 27)}…` : value;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 28 ? `${json.slice(0, 27)}…` : json;
}

/** A seed derived from the workflow (FNV-1a of its nodes and wires), so re-running a sweep reuses it. */
function stableSeed(doc: WorkflowDocument): number {
  const text = JSON.stringify([
    doc.nodes.map((n) => [n.id, n.type, n.params, n.bypass ?? false]),
    doc.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle]),
  ]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 2147483647;
}

// ---------------------------------------------------------------------------------------------
// Contact sheet geometry
// ---------------------------------------------------------------------------------------------

export interface ContactSheetOptions {
  titles?: { x: string; y?: string };
  /** Space between images, px. */
  gap?: number;
  /** Label font size, px; text widths are estimated at 0.6 em per character. */
  fontSize?: number;
  padding?: number;
}

export interface ContactSheetLabel {
  text: string;
  x: number;
  /** Baseline-middle of the text. */
  y: number;
  anchor: "start" | "middle" | "end";
  role: "column" | "row" | "title-x" | "title-y";
}

export interface ContactSheetLayout {
  width: number;
  height: number;
  images: { cell: number; x: number; y: number; width: number; height: number }[];
  labels: ContactSheetLabel[];
}

/**
 * Where each image and label goes on a labelled contact sheet: columns are the first axis, rows
 * the second, value labels above the columns and left of the rows, axis titles above them.
 * Pure geometry; the browser draws the PNG.
 */
export function contactSheetLayout(
  cells: readonly Pick<SweepCell, "x" | "y" | "label">[],
  imageSize: { width: number; height: number },
  options: ContactSheetOptions = {},
): ContactSheetLayout {
  const gap = options.gap ?? 8;
  const font = options.fontSize ?? 16;
  const pad = options.padding ?? 12;
  const lineH = Math.round(font * 1.5);
  const w = Math.max(1, imageSize.width);
  const h = Math.max(1, imageSize.height);
  const cols = cells.reduce((m, c) => Math.max(m, c.x + 1), 0);
  const rows = cells.reduce((m, c) => Math.max(m, c.y + 1), 0);
  const hasRows = cells.some((c) => c.label.y !== undefined);
  const textWidth = (t: string) => Math.ceil(t.length * font * 0.6);

  const rowLabels = new Map<number, string>();
  const colLabels = new Map<number, string>();
  for (const c of cells) {
    if (!colLabels.has(c.x)) colLabels.set(c.x, c.label.x);
    if (c.label.y !== undefined && !rowLabels.has(c.y)) rowLabels.set(c.y, c.label.y);
  }
  const titleY = hasRows && options.titles?.y ? options.titles.y : undefined;
  const left = hasRows ? pad + Math.max(0, ...[...rowLabels.values(), titleY ?? ""].map(textWidth)) + pad : pad;
  const top = pad + (options.titles?.x ? lineH : 0) + lineH;

  const images = cells.map((c, cell) => ({
    cell,
    x: left + c.x * (w + gap),
    y: top + c.y * (h + gap),
    width: w,
    height: h,
  }));
  const labels: ContactSheetLabel[] = [];
  const gridWidth = cols * w + Math.max(0, cols - 1) * gap;
  if (options.titles?.x)
    labels.push({
      text: options.titles.x,
      x: left + gridWidth / 2,
      y: pad + lineH / 2,
      anchor: "middle",
      role: "title-x",
    });
  if (titleY) labels.push({ text: titleY, x: left - pad, y: top - lineH / 2, anchor: "end", role: "title-y" });
  for (const [x, text] of [...colLabels].sort((p, q) => p[0] - q[0])) {
    labels.push({ text, x: left + x * (w + gap) + w / 2, y: top - lineH / 2, anchor: "middle", role: "column" });
  }
  for (const [y, text] of [...rowLabels].sort((p, q) => p[0] - q[0])) {
    labels.push({ text, x: left - pad, y: top + y * (h + gap) + h / 2, anchor: "end", role: "row" });
  }
  return {
    width: left + gridWidth + pad,
    height: top + rows * h + Math.max(0, rows - 1) * gap + pad,
    images,
    labels,
  };
}
