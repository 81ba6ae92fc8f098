/**
 * The Scheduler's noise schedule: noise level (sigma, left axis) and training timestep (right
 * axis) at every step, for the chosen scheduler and step count. Custom timesteps or sigmas are
 * drawn the same way and their points can be dragged up and down; the new list is written as the
 * param's `{method: "array", array}` on release (one undo step per drag).
 */
import { useMemo, type KeyboardEvent, type PointerEvent } from "react";
import { scheduleFor, TRAIN_TIMESTEPS, type Schedule, type SchedulePoint } from "../../teach/schedules";
import { customArray, scheduleRequest } from "../../teach/timeline";
import { useEditor, useEditorStore } from "../store/react";
import { nodeById } from "../store/nodeIndex";
import { useSvgDrag, type ViewPoint } from "./useSvgDrag";

const W = 320;
const H = 150;
const L = 30;
const R = 34;
const T = 10;
const B = 22;
const PW = W - L - R;
const PH = H - T - B;
const T_MAX = TRAIN_TIMESTEPS - 1;

type Series = "timesteps" | "sigmas";
interface Drag {
  series: Series;
  index: number;
  values: number[];
  /** Sigma axis top, frozen for the drag so the axis does not move under the pointer. */
  sigMax: number;
}

function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.5, 2, 3, 5, 7.5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function SchedulePlot({ nodeId }: { nodeId: string }) {
  const store = useEditorStore();
  const node = useEditor((s) => nodeById(s.document.nodes, nodeId));
  const { drag, begin, svgProps } = useSvgDrag<Drag>();
  const params = node?.params ?? {};
  const customT = customArray(params.timesteps);
  const customS = customT ? undefined : customArray(params.sigmas);
  const editable: Series | null = customT ? "timesteps" : customS ? "sigmas" : null;
  const custom = (series: Series) => (series === "timesteps" ? customT : customS);

  const schedule: Schedule | null = useMemo(() => {
    try {
      const req = scheduleRequest(node?.params ?? {});
      return scheduleFor({
        ...req,
        timesteps: drag?.series === "timesteps" ? drag.values : req.timesteps,
        // Custom timesteps win over custom sigmas: only the timesteps are drawn (and editable).
        sigmas: drag?.series === "sigmas" ? drag.values : req.timesteps ? undefined : req.sigmas,
      });
    } catch {
      return null;
    }
  }, [node?.params, drag]);
  if (!node || !schedule) return null;

  const pts = schedule.points;
  const n = pts.length;
  const sigMax = drag?.sigMax ?? niceMax(Math.max(...pts.map((p) => p.sigma), 1));
  const scale = scales(n, sigMax);
  const write = (series: Series, values: number[]) =>
    store.setParam(nodeId, series, { method: "array", array: values });

  const move = (d: Drag, at: ViewPoint): Drag | null => {
    const f = Math.max(0, Math.min(1, (T + PH - at.y) / PH));
    const v = d.series === "timesteps" ? Math.round(f * T_MAX) : Math.round(f * d.sigMax * 1000) / 1000;
    if (v === d.values[d.index]) return null;
    const values = d.values.slice();
    values[d.index] = v;
    return { ...d, values };
  };
  const commit = (d: Drag) => {
    const original = custom(d.series);
    if (original && d.values.some((v, i) => v !== original[i])) write(d.series, d.values);
  };
  const onDown = (e: PointerEvent<SVGElement>, series: Series, index: number) =>
    begin(e, { series, index, values: (custom(series) ?? []).slice(), sigMax });
  const onKey = (e: KeyboardEvent, series: Series, index: number) => {
    const values = (custom(series) ?? []).slice();
    const d = series === "timesteps" ? (e.shiftKey ? 1 : 10) : e.shiftKey ? 0.01 : 0.1;
    const by = e.key === "ArrowUp" ? d : e.key === "ArrowDown" ? -d : 0;
    if (!by) return;
    e.preventDefault();
    const v = values[index] + by;
    values[index] =
      series === "timesteps" ? Math.max(0, Math.min(T_MAX, Math.round(v))) : Math.max(0, Math.round(v * 1000) / 1000);
    write(series, values);
  };

  return (
    <div className="sp" data-schedule-plot={nodeId}>
      <div className="sp-legend">
        <span className="sp-key sigma">noise σ</span>
        <span className="sp-key timestep">timestep</span>
        <span className="grow" />
        <span className="muted">{n} steps</span>
      </div>
      <svg
        {...svgProps({ width: W, height: H }, move, commit)}
        className={`sp-svg ${drag ? "dragging" : ""}`}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Noise schedule: ${n} steps, sigma from ${pts[0]?.sigma.toFixed(2)} down`}
      >
        <PlotAxes n={n} sigMax={sigMax} scale={scale} />
        <path
          d={scale.path(pts.map((p) => scale.yT(p.timestep)))}
          className="sp-line timestep"
          data-series="timesteps"
        />
        <path d={scale.path(pts.map((p) => scale.ySig(p.sigma)))} className="sp-line sigma" data-series="sigmas" />
        {pts.map((p, i) => (
          <g key={i}>
            {(["timesteps", "sigmas"] as const).map((series) => (
              <Point
                key={series}
                p={p}
                i={i}
                n={n}
                series={series}
                scale={scale}
                editable={editable === series}
                active={drag?.index === i && drag.series === series}
                onDown={onDown}
                onKey={onKey}
              />
            ))}
          </g>
        ))}
      </svg>
      <ScheduleFoot
        schedule={schedule}
        editable={editable}
        steps={typeof params.num_inference_steps === "number" ? params.num_inference_steps : 30}
        onReset={() => editable && store.setParam(nodeId, editable, undefined)}
        onEditAs={(series) =>
          write(
            series,
            series === "timesteps"
              ? pts.map((p) => Math.max(0, Math.min(T_MAX, Math.round(p.timestep))))
              : pts.map((p) => Math.round(p.sigma * 1000) / 1000),
          )
        }
      />
    </div>
  );
}

type Scale = ReturnType<typeof scales>;

/** View coordinates of step i and of a sigma or timestep value, and a polyline through one y per step. */
function scales(n: number, sigMax: number) {
  const x = (i: number) => L + (n <= 1 ? PW / 2 : (i / (n - 1)) * PW);
  const ySig = (s: number) => T + PH - (Math.max(0, Math.min(s, sigMax)) / sigMax) * PH;
  const yT = (t: number) => T + PH - (Math.max(0, Math.min(t, T_MAX)) / T_MAX) * PH;
  const path = (ys: number[]) => ys.map((y, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y.toFixed(1)}`).join("");
  return { x, ySig, yT, path };
}

/** Grid lines with sigma ticks (left) and timestep ticks (right), and the first, middle and last step. */
function PlotAxes({ n, sigMax, scale }: { n: number; sigMax: number; scale: Scale }) {
  const { x, ySig } = scale;
  const stepLabels = n <= 1 ? [0] : [0, Math.floor((n - 1) / 2), n - 1];
  return (
    <>
      {[0, sigMax / 2, sigMax].map((s, i) => (
        <g key={i}>
          <line x1={L} x2={L + PW} y1={ySig(s)} y2={ySig(s)} className="sp-grid" />
          <text x={L - 4} y={ySig(s) + 3} textAnchor="end" className="sp-tick sigma">
            {s >= 10 ? Math.round(s) : Number(s.toFixed(1))}
          </text>
          <text x={L + PW + 4} y={ySig(s) + 3} className="sp-tick timestep">
            {Math.round((i / 2) * T_MAX)}
          </text>
        </g>
      ))}
      {stepLabels.map((i) => (
        <text
          key={i}
          x={x(i)}
          y={H - 6}
          textAnchor={i === 0 ? "start" : i === n - 1 ? "end" : "middle"}
          className="sp-tick"
        >
          {i === 0 ? "step 1" : i + 1}
        </text>
      ))}
    </>
  );
}

/** One step's timestep or sigma; a slider (drag or arrow keys) when that series is the custom one. */
function Point(props: {
  p: SchedulePoint;
  i: number;
  n: number;
  series: Series;
  scale: Scale;
  editable: boolean;
  active: boolean;
  onDown(e: PointerEvent<SVGElement>, series: Series, index: number): void;
  onKey(e: KeyboardEvent, series: Series, index: number): void;
}) {
  const { p, i, n, series, scale, editable } = props;
  const value = series === "timesteps" ? p.timestep : p.sigma;
  const pointR = n > 60 ? 1.3 : n > 30 ? 1.8 : 2.4;
  return (
    <circle
      cx={scale.x(i)}
      cy={series === "timesteps" ? scale.yT(p.timestep) : scale.ySig(p.sigma)}
      r={editable ? (n > 40 ? 2.6 : 3.6) : pointR}
      className={`sp-pt ${series} ${editable ? "editable" : ""} ${props.active ? "active" : ""}`}
      data-point={series}
      data-index={i}
      data-value={value}
      {...(editable
        ? {
            tabIndex: 0,
            role: "slider",
            "aria-label": `Step ${i + 1} ${series === "timesteps" ? "timestep" : "sigma"}`,
            "aria-valuenow": value,
            onPointerDown: (e: PointerEvent<SVGElement>) => props.onDown(e, series, i),
            onKeyDown: (e: KeyboardEvent) => props.onKey(e, series, i),
          }
        : {})}
    >
      <title>
        Step {i + 1}: timestep {Number(p.timestep.toFixed(1))}, σ {p.sigma.toFixed(3)}
      </title>
    </circle>
  );
}

/** The method and note, warnings, and the buttons to edit the schedule as a custom list or go back. */
function ScheduleFoot(props: {
  schedule: Schedule;
  editable: Series | null;
  steps: number;
  onReset(): void;
  onEditAs(series: Series): void;
}) {
  const { schedule, editable } = props;
  return (
    <div className="sp-foot">
      <div className="sp-method">{schedule.method}</div>
      <p className="sp-note">{schedule.note}</p>
      {schedule.warnings.map((w, i) => (
        <div key={i} className="field-msg warning">
          {w}
        </div>
      ))}
      <div className="row gap8 sp-actions">
        {editable ? (
          <>
            <span className="muted small">Drag the {editable === "timesteps" ? "timestep" : "σ"} points to edit.</span>
            <span className="grow" />
            <button className="btn small" onClick={props.onReset}>
              Back to {props.steps} steps
            </button>
          </>
        ) : (
          (["timesteps", "sigmas"] as const).map((series) => (
            <button
              key={series}
              className="btn small"
              title={`Copy this schedule's ${series} into Custom ${series}, to edit them point by point`}
              onClick={() => props.onEditAs(series)}
            >
              Edit as custom {series}
            </button>
          ))
        )}
      </div>
    </div>
  );
}
