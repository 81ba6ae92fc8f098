/**
 * The Scheduler's noise schedule: noise level (sigma, left axis) and training timestep (right
 * axis) at every step, for the chosen scheduler and step count. Custom timesteps or sigmas are
 * drawn the same way and their points can be dragged up and down; the new list is written as the
 * param's `{method: "array", array}` on release (one undo step per drag).
 */
import { useMemo, useRef, type KeyboardEvent, type PointerEvent } from "react";
import { useLiveState } from "../kit/useLiveState";
import { scheduleFor, TRAIN_TIMESTEPS, type Schedule } from "../../teach/schedules";
import { customArray } from "../../teach/timeline";
import { useEditor, useEditorStore } from "../store/react";
import { nodeById } from "../store/nodeIndex";

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
  const [drag, dragRef, setDrag] = useLiveState<Drag | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const params = node?.params ?? {};
  const customT = customArray(params.timesteps);
  const customS = customT ? undefined : customArray(params.sigmas);
  const editable: Series | null = customT ? "timesteps" : customS ? "sigmas" : null;

  const schedule: Schedule | null = useMemo(() => {
    try {
      const steps =
        typeof params.num_inference_steps === "number" &&
        Number.isInteger(params.num_inference_steps) &&
        params.num_inference_steps >= 1 &&
        params.num_inference_steps <= 1000
          ? params.num_inference_steps
          : undefined;
      return scheduleFor({
        scheduler: typeof params.scheduler === "string" ? params.scheduler : undefined,
        steps,
        timesteps: drag?.series === "timesteps" ? drag.values : customT,
        sigmas: drag?.series === "sigmas" ? drag.values : customS,
        rescaleBetasSnrZero: params.rescale_betas_snr_zero === true,
      });
    } catch {
      return null;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params, drag]);
  if (!node || !schedule) return null;

  const pts = schedule.points;
  const n = pts.length;
  const sigMax = drag?.sigMax ?? niceMax(Math.max(...pts.map((p) => p.sigma), 1));
  const x = (i: number) => L + (n <= 1 ? PW / 2 : (i / (n - 1)) * PW);
  const ySig = (s: number) => T + PH - (Math.max(0, Math.min(s, sigMax)) / sigMax) * PH;
  const yT = (t: number) => T + PH - (Math.max(0, Math.min(t, T_MAX)) / T_MAX) * PH;
  const path = (ys: number[]) => ys.map((y, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y.toFixed(1)}`).join("");

  const write = (series: Series, values: number[]) =>
    store.setParam(nodeId, series, { method: "array", array: values });

  const valueAt = (clientY: number, series: Series, max: number): number | null => {
    const r = svgRef.current?.getBoundingClientRect();
    if (!r || r.height <= 0) return null;
    const vy = ((clientY - r.top) / r.height) * H;
    const f = Math.max(0, Math.min(1, (T + PH - vy) / PH));
    return series === "timesteps" ? Math.round(f * T_MAX) : Math.round(f * max * 1000) / 1000;
  };

  const onDown = (e: PointerEvent<SVGElement>, series: Series, index: number) => {
    e.preventDefault();
    (e.currentTarget as Element & { setPointerCapture?(id: number): void }).setPointerCapture?.(e.pointerId);
    const values = (series === "timesteps" ? customT : customS) ?? [];
    setDrag({ series, index, values: values.slice(), sigMax });
  };
  const onMove = (e: PointerEvent<SVGElement>) => {
    const drag = dragRef.current;
    if (!drag) return;
    const v = valueAt(e.clientY, drag.series, drag.sigMax);
    if (v === null || v === drag.values[drag.index]) return;
    const values = drag.values.slice();
    values[drag.index] = v;
    setDrag({ ...drag, values });
  };
  const onUp = () => {
    const drag = dragRef.current;
    if (!drag) return;
    const original = drag.series === "timesteps" ? customT : customS;
    if (original && drag.values.some((v, i) => v !== original[i])) write(drag.series, drag.values);
    setDrag(null);
  };
  const onKey = (e: KeyboardEvent, series: Series, index: number) => {
    const values = ((series === "timesteps" ? customT : customS) ?? []).slice();
    const d = series === "timesteps" ? (e.shiftKey ? 1 : 10) : e.shiftKey ? 0.01 : 0.1;
    const by = e.key === "ArrowUp" ? d : e.key === "ArrowDown" ? -d : 0;
    if (!by) return;
    e.preventDefault();
    const v = values[index] + by;
    values[index] =
      series === "timesteps" ? Math.max(0, Math.min(T_MAX, Math.round(v))) : Math.max(0, Math.round(v * 1000) / 1000);
    write(series, values);
  };

  const sigmaTicks = [0, sigMax / 2, sigMax];
  const stepLabels = n <= 1 ? [0] : [0, Math.floor((n - 1) / 2), n - 1];
  const pointR = n > 60 ? 1.3 : n > 30 ? 1.8 : 2.4;

  return (
    <div className="sp" data-schedule-plot={nodeId}>
      <div className="sp-legend">
        <span className="sp-key sigma">noise σ</span>
        <span className="sp-key timestep">timestep</span>
        <span className="grow" />
        <span className="muted">{n} steps</span>
      </div>
      <svg
        ref={svgRef}
        className={`sp-svg ${drag ? "dragging" : ""}`}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Noise schedule: ${n} steps, sigma from ${pts[0]?.sigma.toFixed(2)} down`}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={() => setDrag(null)}
      >
        {sigmaTicks.map((s, i) => (
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
        <path d={path(pts.map((p) => yT(p.timestep)))} className="sp-line timestep" data-series="timesteps" />
        <path d={path(pts.map((p) => ySig(p.sigma)))} className="sp-line sigma" data-series="sigmas" />
        {pts.map((p, i) => {
          const drawn = (["timesteps", "sigmas"] as const).map((series) => {
            const cy = series === "timesteps" ? yT(p.timestep) : ySig(p.sigma);
            const isEditable = editable === series;
            return (
              <circle
                key={series}
                cx={x(i)}
                cy={cy}
                r={isEditable ? (n > 40 ? 2.6 : 3.6) : pointR}
                className={`sp-pt ${series} ${isEditable ? "editable" : ""} ${drag?.index === i && drag.series === series ? "active" : ""}`}
                data-point={series}
                data-index={i}
                data-value={series === "timesteps" ? p.timestep : p.sigma}
                {...(isEditable
                  ? {
                      tabIndex: 0,
                      role: "slider",
                      "aria-label": `Step ${i + 1} ${series === "timesteps" ? "timestep" : "sigma"}`,
                      "aria-valuenow": series === "timesteps" ? p.timestep : p.sigma,
                      onPointerDown: (e: PointerEvent<SVGElement>) => onDown(e, series, i),
                      onKeyDown: (e: KeyboardEvent) => onKey(e, series, i),
                    }
                  : {})}
              >
                <title>
                  Step {i + 1}: timestep {Number(p.timestep.toFixed(1))}, σ {p.sigma.toFixed(3)}
                </title>
              </circle>
            );
          });
          return <g key={i}>{drawn}</g>;
        })}
      </svg>
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
              <span className="muted small">
                Drag the {editable === "timesteps" ? "timestep" : "σ"} points to edit.
              </span>
              <span className="grow" />
              <button className="btn small" onClick={() => store.setParam(nodeId, editable, undefined)}>
                Back to {typeof params.num_inference_steps === "number" ? params.num_inference_steps : 30} steps
              </button>
            </>
          ) : (
            <>
              <button
                className="btn small"
                title="Copy this schedule's timesteps into Custom timesteps, to edit them point by point"
                onClick={() =>
                  write(
                    "timesteps",
                    pts.map((p) => Math.max(0, Math.min(T_MAX, Math.round(p.timestep)))),
                  )
                }
              >
                Edit as custom timesteps
              </button>
              <button
                className="btn small"
                title="Copy this schedule's sigmas into Custom sigmas, to edit them point by point"
                onClick={() =>
                  write(
                    "sigmas",
                    pts.map((p) => Math.round(p.sigma * 1000) / 1000),
                  )
                }
              >
                Edit as custom sigmas
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
