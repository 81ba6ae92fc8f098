/**
 * The sweep dialog's axes as the user edits them (drafts of text fields), what they start as, what
 * a draft can be switched to, and the sweep spec they make once every field reads well.
 */
import type { ParamSpec, Registry, WorkflowDocument, WorkflowNode } from "../../graph";
import {
  intRange,
  listValues,
  MAX_SWEEP_CELLS,
  range,
  toggleGroups,
  type Axis,
  type SweepSpec,
} from "../../teach/sweep";
import { nodeDisplayName } from "../../teach/names";
import { SWEEPABLE_WIDGETS, type SweepPreset } from "./state";

export type AxisDraft =
  | {
      kind: "param";
      nodeId: string;
      param: string;
      mode: "list" | "range";
      list: string;
      from: string;
      to: string;
      count: string;
    }
  | { kind: "toggle"; nodeIds: string[]; mode: "each" | "all" };

const isIntSpec = (spec: ParamSpec) =>
  spec.widget === "seed" || (spec.step !== undefined && Number.isInteger(spec.step) && spec.step >= 1);
export const isTextSpec = (spec: ParamSpec) => spec.widget === "text" || spec.widget === "textarea";
const tidy = (v: number) => Number(v.toFixed(3));

/** A node of the document and the spec of one of its params, each when there is one. */
export function paramOf(
  doc: WorkflowDocument,
  registry: Registry,
  nodeId: string,
  param: string,
): { node?: WorkflowNode; spec?: ParamSpec } {
  const node = doc.nodes.find((n) => n.id === nodeId);
  return { node, spec: node ? registry.get(node.type)?.params[param] : undefined };
}

/** Sensible starting values for a param: its options, on/off, or a range around the current value. */
export function defaultAxis(nodeId: string, param: string, spec: ParamSpec, current: unknown): AxisDraft {
  const base = { kind: "param" as const, nodeId, param, list: "", from: "", to: "", count: "5" };
  if (spec.widget === "select" && spec.options?.length)
    return { ...base, mode: "list", list: spec.options.slice(0, 4).join(", ") };
  if (spec.widget === "toggle") return { ...base, mode: "list", list: "true, false" };
  if (spec.widget === "imageSize") return { ...base, mode: "list", list: "square_hd, portrait_4_3, landscape_4_3" };
  if (spec.widget === "seed") {
    const s = typeof current === "number" ? current : 1;
    return { ...base, mode: "list", list: [s, s + 1, s + 2].join(", ") };
  }
  if (isTextSpec(spec)) return { ...base, mode: "list", list: typeof current === "string" ? current : "" };
  const lo = spec.min ?? spec.unconfirmedRange?.min;
  const hi = spec.max ?? spec.unconfirmedRange?.max;
  const c = typeof current === "number" ? current : typeof spec.default === "number" ? spec.default : undefined;
  // Five values on a round step around the current one (7.5 → 4, 6, 8, 10, 12), inside the bounds.
  const span = c !== undefined && c !== 0 ? Math.abs(c) : lo !== undefined && hi !== undefined ? (hi - lo) / 2 : 1;
  let step = niceStep(span / 4);
  if (isIntSpec(spec)) step = Math.max(1, Math.round(step));
  let from = Math.round(((c ?? (lo ?? 0) + span) - 2 * step) / step) * step;
  if (lo !== undefined && from < lo) from = Math.ceil(lo / step) * step;
  let to = from + 4 * step;
  if (hi !== undefined && to > hi) {
    to = Math.floor(hi / step) * step;
    from = lo !== undefined ? Math.max(Math.ceil(lo / step) * step, to - 4 * step) : to - 4 * step;
  }
  const count = Math.max(1, Math.min(5, Math.round((to - from) / step) + 1));
  return { ...base, mode: "range", from: String(tidy(from)), to: String(tidy(to)), count: String(count) };
}

/** The round number (1, 2, 2.5 or 5 × a power of ten) nearest above x. */
function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x * 0.99) return m * p;
  return 10 * p;
}

/** The axis a draft describes, or the reason it is not usable yet. */
export function axisFromDraft(
  draft: AxisDraft,
  doc: WorkflowDocument,
  registry: Registry,
): { axis: Axis } | { error: string } {
  if (draft.kind === "toggle")
    return draft.nodeIds.length
      ? { axis: { kind: "toggle", nodeIds: draft.nodeIds, mode: draft.mode } }
      : { error: "Choose nodes to switch on and off" };
  const { spec } = paramOf(doc, registry, draft.nodeId, draft.param);
  if (!spec) return { error: `Choose a setting to sweep` };
  if (draft.mode === "range") {
    const from = Number(draft.from);
    const to = Number(draft.to);
    const count = Number(draft.count);
    if (draft.from.trim() === "" || !Number.isFinite(from)) return { error: `“From” must be a number` };
    if (draft.to.trim() === "" || !Number.isFinite(to)) return { error: `“To” must be a number` };
    if (!Number.isInteger(count) || count < 1 || count > MAX_SWEEP_CELLS)
      return { error: `“Values” must be a whole number from 1 to ${MAX_SWEEP_CELLS}` };
    return {
      axis: {
        nodeId: draft.nodeId,
        param: draft.param,
        values: isIntSpec(spec) ? intRange(from, to, count) : range(from, to, count),
      },
    };
  }
  const values = isTextSpec(spec)
    ? draft.list
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean)
    : listValues(draft.list);
  if (!values.length)
    return {
      error: isTextSpec(spec)
        ? "Give at least one value, one per line"
        : "Give at least one value, separated by commas",
    };
  return { axis: { nodeId: draft.nodeId, param: draft.param, values } };
}

export function draftFromAxis(axis: Axis, doc: WorkflowDocument, registry: Registry): AxisDraft {
  if (axis.kind === "toggle") return { kind: "toggle", nodeIds: [...axis.nodeIds], mode: axis.mode ?? "each" };
  const { spec } = paramOf(doc, registry, axis.nodeId, axis.param);
  const text =
    spec && isTextSpec(spec)
      ? axis.values.map(String).join("\n")
      : axis.values.map((v) => (typeof v === "string" ? v : String(v))).join(", ");
  return {
    kind: "param",
    nodeId: axis.nodeId,
    param: axis.param,
    mode: "list",
    list: text,
    from: "",
    to: "",
    count: "5",
  };
}

/** The sweep the drafts and the seed field make, or what is wrong with them. */
export function specFromDrafts(
  drafts: readonly AxisDraft[],
  seed: string,
  doc: WorkflowDocument,
  registry: Registry,
): { spec: SweepSpec | null; problems: string[] } {
  const built = drafts.map((d) => axisFromDraft(d, doc, registry));
  const problems = built.flatMap((b, i) => ("error" in b ? [`Axis ${i + 1}: ${b.error}`] : []));
  const seedNum = seed.trim() === "" ? undefined : Number(seed);
  if (seedNum !== undefined && !(Number.isSafeInteger(seedNum) && seedNum >= 0))
    problems.push("The seed must be a whole number of at least 0");
  if (problems.length || !built.length) return { spec: null, problems };
  const spec: SweepSpec = {
    axes: built.map((b) => (b as { axis: Axis }).axis) as unknown as SweepSpec["axes"],
    ...(seedNum !== undefined ? { seed: seedNum } : {}),
  };
  return { spec, problems };
}

export const keyOf = (d: AxisDraft) =>
  d.kind === "param" ? `p|${d.nodeId}|${d.param}` : `t|${d.mode}|${d.nodeIds.join(",")}`;

/** One entry of the axis picker. */
export interface Choice {
  key: string;
  label: string;
  group: string;
  /** Numbers and choices make good second axes; text and model names rarely do. */
  good?: boolean;
}

export function choicesFor(doc: WorkflowDocument, registry: Registry): Choice[] {
  const out: Choice[] = [];
  for (const n of doc.nodes) {
    const def = registry.get(n.type);
    if (!def || def.inert) continue;
    const group = nodeDisplayName(n, registry);
    for (const [k, spec] of Object.entries(def.params)) {
      if (SWEEPABLE_WIDGETS.has(spec.widget))
        out.push({
          key: `p|${n.id}|${k}`,
          label: spec.label,
          group,
          good: ["number", "slider", "select", "toggle"].includes(spec.widget) && k !== "num_images",
        });
    }
  }
  // Which nodes are worth switching off comes from their definitions (see toggleGroups).
  for (const { one, many, nodeIds } of toggleGroups(doc, registry)) {
    const ids = nodeIds.join(",");
    const first = doc.nodes.find((n) => n.id === nodeIds[0])!;
    out.push({
      key: `t|each|${ids}`,
      label:
        nodeIds.length === 1
          ? `${nodeDisplayName(first, registry)} on / off`
          : `Each ${one} off in turn (${nodeIds.length})`,
      group: "Switch on / off",
    });
    if (nodeIds.length > 1 && nodeIds.length <= 6)
      out.push({ key: `t|all|${ids}`, label: `Every on/off combination of the ${many}`, group: "Switch on / off" });
  }
  return out;
}

export function draftForKey(key: string, doc: WorkflowDocument, registry: Registry): AxisDraft | null {
  const [kind, a, b] = key.split("|");
  if (kind === "t")
    return { kind: "toggle", mode: a === "all" ? "all" : "each", nodeIds: b.split(",").filter(Boolean) };
  return paramDraft(doc, registry, a, b);
}

function paramDraft(doc: WorkflowDocument, registry: Registry, nodeId: string, param: string): AxisDraft | null {
  const { node, spec } = paramOf(doc, registry, nodeId, param);
  return node && spec ? defaultAxis(nodeId, param, spec, node.params[param]) : null;
}

export function initialDrafts(preset: SweepPreset, doc: WorkflowDocument, registry: Registry): AxisDraft[] {
  if (preset.spec) return preset.spec.axes.map((a) => draftFromAxis(a, doc, registry));
  if (preset.nodeId && preset.param) {
    const d = paramDraft(doc, registry, preset.nodeId, preset.param);
    if (d) return [d];
  }
  const sampler = doc.nodes.find((n) => registry.get(n.type)?.isOutput);
  const d = sampler ? paramDraft(doc, registry, sampler.id, "guidance_scale") : null;
  if (d) return [d];
  const first = choicesFor(doc, registry)[0];
  const fallback = first ? draftForKey(first.key, doc, registry) : null;
  return fallback ? [fallback] : [];
}

/** A second axis beside `first`: preferably on the Sampler or Scheduler (steps, guidance, scheduler). */
export function secondAxis(
  first: AxisDraft,
  choices: readonly Choice[],
  doc: WorkflowDocument,
  registry: Registry,
): AxisDraft | null {
  const used = keyOf(first);
  const preferred = ["|guidance_scale", "|num_inference_steps", "|scheduler", "|scale"];
  const next =
    preferred.map((p) => choices.find((c) => c.key !== used && c.key.endsWith(p))).find(Boolean) ??
    choices.find((c) => c.key !== used && c.good) ??
    choices.find((c) => c.key !== used);
  return next ? draftForKey(next.key, doc, registry) : null;
}
