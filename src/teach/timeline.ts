/**
 * The denoising timeline: everything that acts on a shared step axis for one Sampler — the
 * noise schedule, the steps image-to-image skips, and the window in which each ControlNet acts.
 * Read straight from the document (not the compiled request) so it still draws while the graph
 * has errors.
 */
import {
  declaredPaths,
  defaultParams,
  FLAT_SEPARATOR,
  flattenDocument,
  type NodeDefinition,
  type Registry,
  type WorkflowDocument,
  type WorkflowNode,
} from "../graph";
import { weakMemo } from "../shared/weakMemo";
import { nodeDisplayName } from "./names";
import { DEFAULT_STEPS, scheduleFor, type Schedule, type ScheduleRequest } from "./schedules";

export interface ControlNetBar {
  nodeId: string;
  label: string;
  path?: string;
  /** start_percentage / end_percentage as given (defaults 0 and 1). */
  start: number;
  end: number;
  conditioningScale: number;
  /** First and last step (0-based, on the full schedule) where it acts; null when it never does. */
  firstStep: number | null;
  lastStep: number | null;
  activeSteps: number;
  /** Bypassed ControlNets are listed (greyed out in the strip) but never act. */
  bypassed: boolean;
  /** It sits inside a component: `nodeId` is the instance on the canvas, and the window is edited inside. */
  inside?: boolean;
}

export type TimelineMode = "text-to-image" | "image-to-image" | "inpaint";

export interface Timeline {
  samplerId: string;
  mode: TimelineMode;
  /** num_inference_steps (or the custom schedule's length). */
  totalSteps: number;
  schedule: Schedule;
  schedulerNodeId?: string;
  /** Image-to-image and inpaint start part-way: the first `skippedSteps` steps are never run. */
  skippedSteps: number;
  /** Steps actually run: totalSteps − skippedSteps. */
  runSteps: number;
  /** noise_strength, for image-to-image and inpaint. */
  strength?: number;
  guidanceScale?: number;
  /** In the order of the request's controlnets[] (nearest the prompt first). */
  controlNets: ControlNetBar[];
  /** ControlNets on the chain left out of `controlNets` (beyond the `bars` asked for). */
  moreControlNets: number;
  notes: string[];
}

/**
 * Builds the timeline of one Sampler output.
 * Throws when `samplerId` is not a Sampler output in the document (a programmer error).
 * `bars`: at most this many ControlNets get a bar (nearest the prompt first); the rest are counted.
 *
 * @example
 * const t = timelineFor(doc, registry, "sampler");
 * t.controlNets[0].lastStep // last step the first ControlNet acts on
 */
export function timelineFor(doc: WorkflowDocument, registry: Registry, samplerId: string, bars = Infinity): Timeline {
  if (!doc.components?.length) return flatTimeline(doc, registry, samplerId, bars);
  // Through components: what acts on the steps may sit inside an instance, so the timeline reads
  // the opened-up graph and names each inner node by the instance that holds it on this canvas.
  const t = flatTimeline(flattenDocument(doc).document, registry, samplerId, bars);
  const outer = (id: string) => id.split(FLAT_SEPARATOR)[0];
  return {
    ...t,
    schedulerNodeId: t.schedulerNodeId && outer(t.schedulerNodeId),
    controlNets: t.controlNets.map((c) =>
      c.nodeId.includes(FLAT_SEPARATOR) ? { ...c, nodeId: outer(c.nodeId), inside: true } : c,
    ),
  };
}

function flatTimeline(doc: WorkflowDocument, registry: Registry, samplerId: string, bars: number): Timeline {
  const byId = new Map(doc.nodes.map((n) => [n.id, n] as const));
  const sampler = byId.get(samplerId);
  if (!sampler) throw new Error(`timelineFor: no node "${samplerId}" in the document`);
  if (!registry.get(sampler.type)?.isOutput)
    throw new Error(`timelineFor: node "${samplerId}" is a ${sampler.type}, not a Sampler output`);
  const notes: string[] = [];

  // Indexed once: the ControlNet chain is walked link by link, and a scan of every wire per link
  // cost ~60 ms on a 5,000-node graph with a thousand ControlNets.
  const into = new Map<string, WorkflowNode>();
  for (const e of doc.edges) {
    const key = `${e.target}\u0000${e.targetHandle}`;
    const n = into.has(key) ? undefined : byId.get(e.source);
    if (n) into.set(key, n);
  }
  const sourceOf = (nodeId: string, handle: string): WorkflowNode | undefined => into.get(`${nodeId}\u0000${handle}`);
  /** Follows bypassed nodes through their same-kind input, as the compiler does. */
  const liveSource = (nodeId: string, handle: string, kind: string): WorkflowNode | undefined => {
    let n = sourceOf(nodeId, handle);
    const seen = new Set<string>();
    while (n?.bypass && !seen.has(n.id)) {
      seen.add(n.id);
      const through = registry.get(n.type)?.inputs.find((p) => p.kind === kind);
      n = through ? sourceOf(n.id, through.id) : undefined;
    }
    return n;
  };

  // --- schedule -------------------------------------------------------------------------------
  const sched = liveSource(samplerId, "scheduler", "scheduler");
  const sp = sched ? paramsOf(sched, registry, notes) : {};
  const schedule = scheduleFor(scheduleRequest(sp));
  const totalSteps = schedule.points.length;
  if (!sched)
    notes.push(`No Scheduler is wired to this Sampler: fal uses ${DEFAULT_STEPS} steps and the model's own scheduler.`);

  // --- image-to-image -------------------------------------------------------------------------
  const samplerParams = paramsOf(sampler, registry, notes);
  const init = liveSource(samplerId, "init_image", "image");
  const mask = init ? liveSource(samplerId, "mask", "image") : undefined;
  const mode: TimelineMode = init ? (mask ? "inpaint" : "image-to-image") : "text-to-image";
  let skippedSteps = 0;
  let strength: number | undefined;
  if (init) {
    const raw = samplerParams.noise_strength;
    strength = typeof raw === "number" && Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0.5;
    skippedSteps = skippedForStrength(totalSteps, strength);
    notes.push(
      `Denoise ${strength} starts at step ${skippedSteps + 1} of ${totalSteps}: the first ${skippedSteps} step${skippedSteps === 1 ? " is" : "s are"} replaced by the init image with noise added.`,
    );
  }
  const runSteps = totalSteps - skippedSteps;

  // --- ControlNets on the conditioning chain --------------------------------------------------
  const chain: WorkflowNode[] = [];
  const seen = new Set<string>();
  let node = sourceOf(samplerId, "conditioning");
  while (node && !seen.has(node.id)) {
    seen.add(node.id);
    const def = registry.get(node.type);
    if (!def) break;
    if (sendsWindow(def, registry)) chain.push(node);
    const next = def.inputs.find((p) => p.kind === "conditioning");
    node = next ? sourceOf(node.id, next.id) : undefined;
  }
  // A bar reads and checks the node's params and names it: a canvas strip that draws six of a
  // thousand ControlNets asks for six (each took ~0.5 ms, the whole chain a long task).
  const shown = chain.reverse().slice(0, bars);
  const controlNets = shown.map((n) => controlNetBar(n, registry, notes, runSteps, skippedSteps));
  if (controlNets.length && skippedSteps > 0) {
    notes.push(
      "ControlNet start and end are fractions of the steps actually run, so with image-to-image they are measured from the first step run.",
    );
  }

  const g = samplerParams.guidance_scale;
  return {
    samplerId,
    mode,
    totalSteps,
    schedule,
    schedulerNodeId: sched?.id,
    skippedSteps,
    runSteps,
    strength,
    guidanceScale: typeof g === "number" ? g : undefined,
    controlNets,
    moreControlNets: chain.length - shown.length,
    notes: [...notes, ...schedule.warnings],
  };
}

/** The request paths the timeline draws, and so the params it reads from the nodes that send them. */
const WINDOW = "controlnets[].start_percentage";
const TIMELINE_PATHS: ReadonlySet<string> = new Set([
  "scheduler",
  "num_inference_steps",
  "timesteps",
  "sigmas",
  "rescale_betas_snr_zero",
  "controlnets[].path",
  "controlnets[].conditioning_scale",
  WINDOW,
  "controlnets[].end_percentage",
]);

/** A node type whose items carry a ControlNet window: the timeline draws a bar for each such node on the chain. */
function sendsWindow(def: NodeDefinition | undefined, registry: Registry): boolean {
  return def !== undefined && registry.feeder(WINDOW)?.def === def;
}

/** Per definition: a view asks for every ancestor of its Sampler (thousands) on each edit. */
const readsParams = weakMemo((def: NodeDefinition) => declaredPaths(def).some((f) => TIMELINE_PATHS.has(f.path)));

/**
 * Whether the timeline reads the params of nodes of this type (besides the output's own): a view
 * that caches the timeline redraws when such a node's params change, and ignores other nodes'.
 */
export const timelineReadsParams = (def: NodeDefinition | undefined): boolean => def !== undefined && readsParams(def);

/**
 * Steps image-to-image skips: diffusers `StableDiffusionXLImg2ImgPipeline.get_timesteps`,
 * `init_timestep = min(int(N·strength), N)`, `t_start = max(N − init_timestep, 0)`.
 */
export function skippedForStrength(steps: number, strength: number): number {
  const init = Math.min(Math.floor(steps * strength), steps);
  return Math.max(steps - init, 0);
}

/**
 * Whether a ControlNet acts at run step i of n: diffusers' `controlnet_keep`,
 * `1 − (i/n < start or (i+1)/n > end)` (StableDiffusionXLControlNetPipeline.__call__).
 */
export function controlNetActive(i: number, n: number, start: number, end: number): boolean {
  return !(i / n < start || (i + 1) / n > end);
}

function controlNetBar(
  node: WorkflowNode,
  registry: Registry,
  notes: string[],
  runSteps: number,
  offset: number,
): ControlNetBar {
  const p = paramsOf(node, registry, notes);
  const start = num(p.start_percentage, 0);
  const end = num(p.end_percentage, 1);
  let first: number | null = null;
  let last: number | null = null;
  let active = 0;
  if (!node.bypass) {
    for (let i = 0; i < runSteps; i++) {
      if (!controlNetActive(i, runSteps, start, end)) continue;
      first ??= offset + i;
      last = offset + i;
      active++;
    }
  }
  const label = nodeDisplayName(node, registry);
  if (!node.bypass && active === 0)
    notes.push(`${label} never acts: its window ${start}–${end} holds no whole step of ${runSteps}.`);
  return {
    nodeId: node.id,
    label,
    path: typeof p.path === "string" ? p.path : undefined,
    start,
    end,
    conditioningScale: num(p.conditioning_scale, 1),
    firstStep: first,
    lastStep: last,
    activeSteps: active,
    bypassed: node.bypass === true,
  };
}

/** The node's params with its type's defaults filled in; invalid values fall back to the default, with a note. */
function paramsOf(node: WorkflowNode, registry: Registry, notes: string[]): Record<string, unknown> {
  const def = registry.get(node.type);
  if (!def) return { ...(node.params ?? {}) };
  const out: Record<string, unknown> = defaultParams(def);
  for (const [key, spec] of Object.entries(def.params)) {
    const v = node.params?.[key];
    if (v === undefined || v === null) continue;
    if (spec.schema.safeParse(v).success) out[key] = v;
    else notes.push(`${nodeDisplayName(node, registry)}: ${spec.label} is invalid, so the default is drawn`);
  }
  return out;
}

/** What scheduleFor is asked, read from a Scheduler's params; a step count outside 1…1000 counts as the default. */
export function scheduleRequest(params: Record<string, unknown>): ScheduleRequest {
  const n = params.num_inference_steps;
  return {
    scheduler: typeof params.scheduler === "string" ? params.scheduler : undefined,
    steps: typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 1000 ? n : DEFAULT_STEPS,
    timesteps: customArray(params.timesteps),
    sigmas: customArray(params.sigmas),
    rescaleBetasSnrZero: params.rescale_betas_snr_zero === true,
  };
}

/**
 * The numbers of a Scheduler's custom timesteps/sigmas param ({ method: "array", array }), or
 * undefined when it holds none (the model's own schedule is drawn then).
 */
export function customArray(v: unknown): number[] | undefined {
  if (!v || typeof v !== "object") return undefined;
  const { method, array } = v as { method?: unknown; array?: unknown };
  if (method !== "array" || !Array.isArray(array) || array.length === 0) return undefined;
  const nums = array.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return nums.length ? nums : undefined;
}

function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

export interface WindowEdit {
  start?: number;
  end?: number;
}

/**
 * Returns a new document with a ControlNet's start/end changed, as when a bar edge is dragged.
 * Values are clamped to 0…1 and kept at least `minGap` apart (start < end is required by fal);
 * the edge being dragged gives way, the other stays put. The input document is not modified.
 * Throws when the node is missing or not a ControlNet (a programmer error).
 *
 * @example
 * doc = setControlNetWindow(doc, registry, "canny", { end: 0.6 });
 */
export function setControlNetWindow(
  doc: WorkflowDocument,
  registry: Registry,
  nodeId: string,
  edit: WindowEdit,
  minGap = 0.01,
): WorkflowDocument {
  const index = doc.nodes.findIndex((n) => n.id === nodeId);
  if (index < 0) throw new Error(`setControlNetWindow: no node "${nodeId}" in the document`);
  const node = doc.nodes[index];
  if (!sendsWindow(registry.get(node.type), registry))
    throw new Error(`setControlNetWindow: node "${nodeId}" is a ${node.type}, which has no ControlNet window`);
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  let start = clamp(num(edit.start, num(node.params?.start_percentage, 0)));
  let end = clamp(num(edit.end, num(node.params?.end_percentage, 1)));
  if (end - start < minGap) {
    if (edit.end !== undefined && edit.start === undefined) {
      // Dragging the end edge: it stops just after the start (pushing the start only at 1).
      end = Math.min(1, start + minGap);
      start = Math.min(start, end - minGap);
    } else {
      // Dragging the start edge (or setting both): it stops just before the end.
      start = Math.max(0, end - minGap);
      end = Math.max(end, start + minGap);
    }
  }
  const params = { ...node.params, start_percentage: round(start), end_percentage: round(end) };
  const nodes = doc.nodes.slice();
  nodes[index] = { ...node, params };
  return { ...doc, nodes };
}
