/**
 * The denoising timeline of one Sampler: the steps from pure noise (left) to the image (right),
 * the scheduler's noise level as a curve, the steps image-to-image skips, and one bar per
 * ControlNet showing the window it acts in. Dragging a bar's edge (or its arrow keys) edits the
 * ControlNet through the store: the drag is previewed locally and written once on release, so one
 * drag is one undo step.
 */
import { useMemo, type KeyboardEvent, type PointerEvent } from "react";
import {
  setControlNetWindow,
  timelineFor,
  type Timeline as TimelineModel,
  type ControlNetBar,
} from "../../teach/timeline";
import type { WorkflowDocument } from "../../graph";
import { useEditor, useEditorStore, useUiApi } from "../store/react";
import { useSvgDrag, type ViewPoint } from "./useSvgDrag";

export const VIEW_W = 320;
const PAD_X = 10;
const PLOT_W = VIEW_W - PAD_X * 2;
const CURVE_TOP = 16;
const CURVE_H = 52;
const AXIS_Y = CURVE_TOP + CURVE_H + 4;
const ROWS_TOP = AXIS_Y + 22;
const ROW_H = 34;
const BAR_H = 12;
const HANDLE_W = 8;
const BAR_COLORS = ["#f59e0b", "#38bdf8", "#c084fc", "#34d399", "#fb7185"];
/** Arrow keys move an edge by this much (Shift: a hundredth). */
const KEY_STEP = 0.05;

type Edge = "start" | "end";
interface Drag {
  nodeId: string;
  edge: Edge;
  start: number;
  end: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => String(round2(x));

/** The fraction of the run steps under a pointer x (view units), before clamping. */
export function fractionAt(viewX: number, t: Pick<TimelineModel, "totalSteps" | "skippedSteps" | "runSteps">): number {
  const step = ((viewX - PAD_X) / PLOT_W) * t.totalSteps;
  return t.runSteps > 0 ? (step - t.skippedSteps) / t.runSteps : 0;
}

type Store = ReturnType<typeof useEditorStore>;

function safeTimeline(doc: WorkflowDocument, store: Store, samplerId: string): TimelineModel | null {
  try {
    return timelineFor(doc, store.registry, samplerId);
  } catch {
    return null;
  }
}

export function Timeline({ samplerId, highlight }: { samplerId: string; highlight?: string }) {
  const ui = useUiApi();
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const { drag, begin, svgProps } = useSvgDrag<Drag>();

  // While dragging, the bar shows the edited window; the store is written on release.
  const shown = useMemo(() => {
    if (!drag) return doc;
    try {
      return setControlNetWindow(doc, store.registry, drag.nodeId, { start: drag.start, end: drag.end });
    } catch {
      return doc;
    }
  }, [doc, drag, store]);
  const t = useMemo(() => safeTimeline(shown, store, samplerId), [shown, store, samplerId]);
  if (!t) return null;

  const total = Math.max(1, t.totalSteps);
  const xStep = (step: number) => PAD_X + (step / total) * PLOT_W;
  const height = ROWS_TOP + Math.max(1, t.controlNets.length) * ROW_H + 2;

  const move = (d: Drag, at: ViewPoint): Drag => {
    const f = round2(Math.min(1, Math.max(0, fractionAt(at.x, t))));
    return d.edge === "start" ? { ...d, start: f } : { ...d, end: f };
  };
  const commit = (d: Drag) => commitWindow(store, d.nodeId, d.edge === "start" ? { start: d.start } : { end: d.end });
  const onDown = (e: PointerEvent<SVGElement>, nodeId: string, edge: Edge, start: number, end: number) => {
    e.stopPropagation();
    begin(e, { nodeId, edge, start, end });
  };
  const onKey = (e: KeyboardEvent, nodeId: string, edge: Edge, value: number) => {
    const d = e.shiftKey ? KEY_STEP / 5 : KEY_STEP;
    const by =
      e.key === "ArrowRight" || e.key === "ArrowUp" ? d : e.key === "ArrowLeft" || e.key === "ArrowDown" ? -d : 0;
    if (!by && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    const v = e.key === "Home" ? 0 : e.key === "End" ? 1 : round2(value + by);
    commitWindow(store, nodeId, edge === "start" ? { start: v } : { end: v });
  };

  const scheduler = t.schedulerNodeId ? doc.nodes.find((n) => n.id === t.schedulerNodeId)?.params.scheduler : undefined;
  const windows = t.controlNets.length;

  return (
    <div className="tl" data-timeline={samplerId}>
      <div className="tl-meta">
        <span>
          <b>{t.totalSteps}</b> steps
        </span>
        <span>{typeof scheduler === "string" ? scheduler : "default scheduler"}</span>
        <span>{t.mode}</span>
        {t.mode !== "text-to-image" && t.strength !== undefined && <span>denoise {t.strength}</span>}
      </div>
      <svg
        {...svgProps({ width: VIEW_W, height }, move, commit)}
        className={`tl-svg ${drag ? "dragging" : ""}`}
        viewBox={`0 0 ${VIEW_W} ${height}`}
        role="img"
        aria-label={`Denoising timeline: ${t.totalSteps} steps${windows ? `, ${windows} ControlNet window${windows > 1 ? "s" : ""}` : ""}`}
      >
        <NoiseCurve t={t} total={total} xStep={xStep} height={height} />
        {windows === 0 && (
          <text x={VIEW_W / 2} y={ROWS_TOP + 16} className="tl-empty" textAnchor="middle">
            No ControlNet on this Sampler's conditioning
          </text>
        )}
        {t.controlNets.map((cn, row) => (
          <ControlNetRow
            key={cn.nodeId}
            cn={cn}
            row={row}
            t={t}
            xFrac={(f) => xStep(t.skippedSteps + f * t.runSteps)}
            highlight={highlight === cn.nodeId}
            onSelect={() => (
              store.setSelection({ nodes: [cn.nodeId], edges: [] }),
              ui.focus(cn.nodeId, "end_percentage", { keepTab: true })
            )}
            onDown={onDown}
            onKey={onKey}
          />
        ))}
      </svg>
      {t.notes.length > 0 && (
        <ul className="tl-notes">
          {t.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Writes only the fields that changed: normally one setParam, so one undo step. */
function commitWindow(store: Store, nodeId: string, edit: { start?: number; end?: number }) {
  let next: WorkflowDocument;
  try {
    next = setControlNetWindow(store.getState().document, store.registry, nodeId, edit);
  } catch {
    return;
  }
  const after = next.nodes.find((n) => n.id === nodeId)?.params ?? {};
  const before = store.getState().document.nodes.find((n) => n.id === nodeId)?.params ?? {};
  for (const key of ["start_percentage", "end_percentage"] as const) {
    const was = typeof before[key] === "number" ? before[key] : key === "start_percentage" ? 0 : 1;
    if (after[key] !== was) store.setParam(nodeId, key, after[key]);
  }
}

/** The noise curve over the steps, the skipped steps hatched, and the step axis. */
function NoiseCurve({
  t,
  total,
  xStep,
  height,
}: {
  t: TimelineModel;
  total: number;
  xStep(step: number): number;
  height: number;
}) {
  // Noise curve: sigma at the start of each step, then where the last step lands.
  const pts = t.schedule.points;
  const sigMax = Math.max(1e-6, ...pts.map((p) => p.sigma));
  const ySig = (s: number) => CURVE_TOP + CURVE_H - (Math.min(s, sigMax) / sigMax) * CURVE_H;
  const curve = [
    ...pts.map((p, i) => [xStep(i), ySig(p.sigma)] as const),
    [xStep(total), ySig(t.schedule.finalSigma)] as const,
  ];
  const line = curve.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
  const area = `${line}L${xStep(total).toFixed(1)},${CURVE_TOP + CURVE_H}L${xStep(0).toFixed(1)},${CURVE_TOP + CURVE_H}Z`;
  return (
    <>
      <defs>
        <linearGradient id="tl-noise" x1="0" x2="0" y1="0" y2="1">
          <stop offset="0" stopColor="#7c8cff" stopOpacity="0.45" />
          <stop offset="1" stopColor="#7c8cff" stopOpacity="0.04" />
        </linearGradient>
        <pattern id="tl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <line x1="0" y1="0" x2="0" y2="6" stroke="#3a414c" strokeWidth="2" />
        </pattern>
      </defs>
      <text x={PAD_X} y={10} className="tl-axis-label">
        noise σ {sigMax < 100 ? sigMax.toFixed(1) : Math.round(sigMax)}
      </text>
      <text x={VIEW_W - PAD_X} y={10} className="tl-axis-label" textAnchor="end">
        image
      </text>
      <path d={area} fill="url(#tl-noise)" />
      <path d={line} className="tl-curve" data-sigma-curve />
      {t.skippedSteps > 0 && (
        <g data-skipped={t.skippedSteps}>
          <rect
            x={xStep(0)}
            y={CURVE_TOP}
            width={xStep(t.skippedSteps) - xStep(0)}
            height={height - CURVE_TOP - 2}
            fill="url(#tl-hatch)"
            opacity="0.8"
          />
          <text
            x={(xStep(0) + xStep(t.skippedSteps)) / 2}
            y={CURVE_TOP + CURVE_H / 2}
            className="tl-skip-label"
            textAnchor="middle"
          >
            skipped
          </text>
        </g>
      )}
      <line x1={PAD_X} x2={VIEW_W - PAD_X} y1={AXIS_Y} y2={AXIS_Y} className="tl-axis" />
      {tickSteps(total).map((s) => (
        <g key={s}>
          <line x1={xStep(s)} x2={xStep(s)} y1={AXIS_Y} y2={AXIS_Y + 4} className="tl-axis" />
          <text
            x={xStep(s)}
            y={AXIS_Y + 14}
            className="tl-tick"
            textAnchor={s === 0 ? "start" : s === total ? "end" : "middle"}
          >
            {s === 0 ? "step 1" : s}
          </text>
        </g>
      ))}
    </>
  );
}

/** One ControlNet: its name and window in words, its bar, and a draggable handle at each edge. */
function ControlNetRow(props: {
  cn: ControlNetBar;
  row: number;
  t: TimelineModel;
  xFrac(f: number): number;
  highlight: boolean;
  onSelect(): void;
  onDown(e: PointerEvent<SVGElement>, nodeId: string, edge: Edge, start: number, end: number): void;
  onKey(e: KeyboardEvent, nodeId: string, edge: Edge, value: number): void;
}) {
  const { cn, row, t, xFrac, highlight: hl } = props;
  const y = ROWS_TOP + row * ROW_H;
  const x0 = xFrac(Math.min(cn.start, cn.end));
  const x1 = xFrac(Math.max(cn.start, cn.end));
  const color = BAR_COLORS[row % BAR_COLORS.length];
  const steps = cn.firstStep === null ? "never acts" : `steps ${cn.firstStep + 1}–${(cn.lastStep ?? cn.firstStep) + 1}`;
  return (
    <g className={`tl-row ${cn.bypassed ? "bypassed" : ""} ${hl ? "hl" : ""}`} data-cn-row={cn.nodeId}>
      <text x={PAD_X} y={y + 9} className="tl-label">
        <tspan className="tl-name" onClick={props.onSelect}>
          {truncate(cn.label, 26)}
        </tspan>
        <tspan dx="6" className="tl-sub">
          {fmt(cn.start)}–{fmt(cn.end)} · {cn.bypassed ? "bypassed" : steps}
        </tspan>
      </text>
      <rect x={xFrac(0)} y={y + 14} width={xFrac(1) - xFrac(0)} height={BAR_H} rx="3" className="tl-track" />
      <rect
        x={x0}
        y={y + 14}
        width={Math.max(1, x1 - x0)}
        height={BAR_H}
        rx="3"
        fill={color}
        fillOpacity={cn.bypassed ? 0.18 : hl ? 0.75 : 0.55}
        stroke={color}
        strokeOpacity={hl ? 1 : 0.8}
        data-cn-bar={cn.nodeId}
        data-start={cn.start}
        data-end={cn.end}
      >
        <title>
          {cn.label}: acts from {fmt(cn.start * 100)}% to {fmt(cn.end * 100)}% of the steps run ({cn.activeSteps} of{" "}
          {t.runSteps} steps), strength {cn.conditioningScale}
        </title>
      </rect>
      {/* Inside a component, the window is edited inside it (Tab into the instance). */}
      {(cn.inside ? [] : (["start", "end"] as const)).map((edge) => {
        const v = edge === "start" ? cn.start : cn.end;
        const hx = edge === "start" ? x0 : x1;
        return (
          <g
            key={edge}
            className="tl-handle"
            data-edge={edge}
            data-node={cn.nodeId}
            role="slider"
            tabIndex={0}
            aria-label={`${cn.label} ${edge}`}
            aria-valuemin={0}
            aria-valuemax={1}
            aria-valuenow={v}
            onPointerDown={(e) => props.onDown(e, cn.nodeId, edge, cn.start, cn.end)}
            onKeyDown={(e) => props.onKey(e, cn.nodeId, edge, v)}
          >
            <rect x={hx - HANDLE_W / 2} y={y + 11} width={HANDLE_W} height={BAR_H + 6} rx="2" className="tl-grip" />
            <line x1={hx} x2={hx} y1={y + 15} y2={y + 14 + BAR_H - 1} className="tl-grip-line" />
          </g>
        );
      })}
    </g>
  );
}

function tickSteps(total: number): number[] {
  const every = total <= 10 ? 1 : total <= 30 ? 5 : total <= 60 ? 10 : total <= 150 ? 25 : 100;
  const out = [0];
  for (let s = every; s < total; s += every) if (total - s >= every / 2) out.push(s);
  out.push(total);
  return out;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
