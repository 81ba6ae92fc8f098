/**
 * The compact, read-only pictures drawn inside canvas nodes (loaded lazily by flow/nodeViews.tsx):
 * - SamplerStrip: the Sampler's steps axis, noise curve and one labelled bar per ControlNet
 *   window; clicking it selects the Sampler and opens the inspector, where the full, draggable
 *   timeline is.
 * - SchedulerSpark: a sparkline of sigma per step for the Scheduler's settings.
 *
 * Canvases hold up to thousands of nodes and the store changes on every keystroke, so the Sampler
 * recomputes its timeline only when something the timeline reads changes: the wiring (the edges
 * array, which immer keeps while only params change) or, among the Sampler's ancestors, a
 * node's params or label when the timeline reads them (a Scheduler's, a ControlNet's: see
 * timelineReadsParams), or any ancestor's type or bypass flag.
 */
import { useMemo, useRef } from "react";
import type { EditorState } from "../store/createEditorStore";
import {
  nodesMovedOnly,
  type Registry,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from "../../graph";
import { customArray, timelineFor, timelineReadsParams, type Timeline } from "../../teach/timeline";
import { DEFAULT_STEPS, scheduleFor, type Schedule } from "../../teach/schedules";
import { useEditor, useEditorStore, useUiApi } from "../store/react";
import { nodeIndex } from "../store/nodeIndex";
import { weakMemo2 } from "../../shared/weakMemo";
import type { NodeViewProps } from "../kit/nodeView";
import "./nodeStrips.css";

/** Rows of ControlNet bars in the node itself; a pipeline with 80 would make the Sampler taller than the screen. */
const STRIP_ROWS = 6;
const BAR_COLORS = ["#f59e0b", "#38bdf8", "#c084fc", "#34d399", "#fb7185"];

/** Every node upstream of `id`, computed once per edges array (shared by all strips). */
const ancestorsOf = weakMemo2((edges: readonly WorkflowEdge[], id: string): readonly string[] => {
  const into = new Map<string, string[]>();
  for (const e of edges) {
    const list = into.get(e.target);
    if (list) list.push(e.source);
    else into.set(e.target, [e.source]);
  }
  const seen = new Set<string>([id]);
  const stack = [id];
  while (stack.length) {
    for (const s of into.get(stack.pop()!) ?? []) {
      if (!seen.has(s)) {
        seen.add(s);
        stack.push(s);
      }
    }
  }
  seen.delete(id);
  return [...seen];
});

/** Everything timelineFor reads, as a flat list compared item by item (identities are stable under immer). */
function timelineKey(doc: WorkflowDocument, registry: Registry, samplerId: string): unknown[] {
  const nodes = nodeIndex(doc.nodes);
  const self = nodes.get(samplerId);
  const key: unknown[] = [doc.edges, self?.type, self?.params];
  for (const a of ancestorsOf(doc.edges, samplerId)) {
    const n = nodes.get(a);
    key.push(a, n?.type, n?.bypass);
    if (n && timelineReadsParams(registry.get(n.type))) key.push(n.params, n.label);
  }
  return key;
}

const sameKey = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The Sampler's timeline, recomputed only when its key changes; null when it cannot be drawn. */
export function useSamplerTimeline(id: string): Timeline | null {
  const store = useEditorStore();
  const cache = useRef<{
    nodes: readonly WorkflowNode[];
    components: unknown;
    key: unknown[];
    value: Timeline | null;
  } | null>(null);
  const select = (s: EditorState) => {
    // The key walks every ancestor (all of a 5,000-node pipeline): skip it while no node or wire
    // changed, or nodes were only moved (the drop of a drag; the timeline reads no position).
    const { nodes, components, edges } = s.document;
    const c = cache.current;
    if (c && c.components === components && c.key[0] === edges && nodesMovedOnly(c.nodes, nodes)) {
      c.nodes = nodes;
      return c.value;
    }
    // Gone (another document opened): the key would walk the new document's wires for nothing.
    if (!nodeIndex(nodes).has(id)) return null;
    const key = timelineKey(s.document, store.registry, id);
    if (c && sameKey(c.key, key)) {
      Object.assign(c, { nodes, components });
      return c.value;
    }
    let value: Timeline | null = null;
    try {
      value = timelineFor(s.document, store.registry, id, STRIP_ROWS);
    } catch {
      // Not a Sampler any more (or gone): draw nothing.
    }
    cache.current = { nodes, components, key, value };
    return value;
  };
  return useEditor(select);
}

/** Polyline points for sigma per step across a `w`×`h` box, highest sigma at the top. */
function curve(schedule: Schedule, w: number, h: number, pad = 1): string {
  const pts = schedule.points;
  const max = Math.max(...pts.map((p) => p.sigma), 1e-9);
  const n = pts.length;
  return pts
    .map(
      (p, i) =>
        `${(n === 1 ? w / 2 : (i / (n - 1)) * w).toFixed(1)},${(pad + (1 - p.sigma / max) * (h - 2 * pad)).toFixed(1)}`,
    )
    .join(" ");
}

const pct = (x: number) => `${(x * 100).toFixed(3)}%`;

export function SamplerStrip({ nodeId: id }: Pick<NodeViewProps, "nodeId">) {
  const ui = useUiApi();
  const store = useEditorStore();
  const t = useSamplerTimeline(id);
  const line = useMemo(() => (t ? curve(t.schedule, 100, 14) : ""), [t]);
  if (!t) return null;
  const N = t.totalSteps;
  const open = () => {
    store.setSelection({ nodes: [id], edges: [] });
    ui.set({ tab: "inspector" });
  };
  const more = t.moreControlNets;
  const summary = t.controlNets.length
    ? t.controlNets
        .map((c) =>
          c.firstStep === null ? `${c.label}: never acts` : `${c.label}: steps ${c.firstStep + 1}–${c.lastStep! + 1}`,
        )
        .join("; ") + (more ? `; ${more} more ControlNet${more === 1 ? "" : "s"}` : "")
    : "no ControlNet";
  return (
    <div
      className="nstrip nodrag"
      role="button"
      tabIndex={0}
      aria-label={`Denoising timeline: ${N} steps${t.skippedSteps ? `, first ${t.skippedSteps} skipped` : ""}; ${summary}. Open in the inspector`}
      title="Denoising timeline: click to open it in the inspector"
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        }
      }}
    >
      <div className="nstrip-curve">
        {t.skippedSteps > 0 && <div className="nstrip-skip" style={{ width: pct(t.skippedSteps / N) }} />}
        <svg viewBox="0 0 100 14" preserveAspectRatio="none" aria-hidden="true">
          <polyline points={line} />
        </svg>
        <span className="nstrip-ax l">1</span>
        <span className="nstrip-ax r">{N} steps</span>
      </div>
      {t.controlNets.map((c, i) => {
        const acts = c.firstStep !== null && c.lastStep !== null;
        const left = acts ? c.firstStep! / N : t.skippedSteps / N + (c.start * t.runSteps) / N;
        const width = acts ? (c.lastStep! - c.firstStep! + 1) / N : Math.max(0, ((c.end - c.start) * t.runSteps) / N);
        return (
          <div className="nstrip-row" key={c.nodeId}>
            <div
              className={`nstrip-bar ${acts && !c.bypassed ? "" : "off"}`}
              data-cn={c.nodeId}
              data-first={c.firstStep ?? ""}
              data-last={c.lastStep ?? ""}
              style={{ left: pct(left), width: pct(width), ["--c" as string]: BAR_COLORS[i % BAR_COLORS.length] }}
            />
            <span className="nstrip-label">
              {c.bypassed ? `${c.label} (bypassed)` : acts ? c.label : `${c.label} · never acts`}
            </span>
          </div>
        );
      })}
      {more > 0 && (
        <div className="nstrip-more">
          +{more} more ControlNet{more === 1 ? "" : "s"}: the inspector shows them all
        </div>
      )}
    </div>
  );
}

export function SchedulerSpark({ params }: Pick<NodeViewProps, "params">) {
  const { scheduler, steps, timesteps, sigmas, rescale } = {
    scheduler: typeof params.scheduler === "string" ? params.scheduler : undefined,
    steps: params.num_inference_steps,
    timesteps: params.timesteps,
    sigmas: params.sigmas,
    rescale: params.rescale_betas_snr_zero === true,
  };
  const schedule = useMemo(() => {
    try {
      const n =
        typeof steps === "number" && Number.isInteger(steps) && steps >= 1 && steps <= 1000 ? steps : DEFAULT_STEPS;
      return scheduleFor({
        scheduler,
        steps: n,
        timesteps: customArray(timesteps),
        sigmas: customArray(sigmas),
        rescaleBetasSnrZero: rescale,
      });
    } catch {
      return null;
    }
  }, [scheduler, steps, timesteps, sigmas, rescale]);
  const line = useMemo(() => (schedule ? curve(schedule, 100, 20, 1.5) : ""), [schedule]);
  if (!schedule) return null;
  const n = schedule.points.length;
  const custom = customArray(timesteps)
    ? "custom timesteps"
    : customArray(sigmas)
      ? "custom sigmas"
      : (scheduler ?? "model default");
  return (
    <div className="nspark" title={`Noise level (sigma) at each step: ${schedule.method}`}>
      <svg viewBox="0 0 100 20" preserveAspectRatio="none" role="img" aria-label={`Sigma per step, ${n} steps`}>
        <polyline points={line} />
      </svg>
      <div className="nspark-cap">
        {n} step{n === 1 ? "" : "s"} · {custom}
      </div>
    </div>
  );
}
