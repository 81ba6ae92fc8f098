/**
 * The sweep (X/Y grid) dialog: one or two axes, each a param of any node (a list or a range of
 * values) or a set of nodes switched on and off. Before anything runs it shows how many requests
 * the sweep will make; Run sends them through the ordinary runner, a few at a time.
 */
import { useMemo, useState } from "react";
import { serializeWorkflow, type ParamSpec, type Registry, type WorkflowDocument } from "../../graph";
import { intRange, listValues, MAX_SWEEP_CELLS, range, type Axis, type SweepSpec } from "../../teach/sweep";
import { nodeDisplayName } from "../../teach/names";
import { Modal } from "../kit/Modal";
import { useEditor, useEditorStore } from "../store/react";
import { ui } from "../store/ui";
import { getController } from "../run/runtime";
import { SWEEPABLE_WIDGETS, teachUi, useTeachUi, type SweepPreset } from "./state";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, planSweep, runSweep, useSweep } from "./sweepRun";
import "./teach.css";

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

/** Node types that are worth switching off in an ablation. */
const TOGGLE_TYPES: readonly [string, string, string][] = [
  ["lora", "LoRA", "LoRAs"],
  ["controlnet", "ControlNet", "ControlNets"],
  ["ip_adapter", "IP-Adapter", "IP-Adapters"],
  ["embedding", "embedding", "embeddings"],
  ["ic_light", "IC-Light", "IC-Light nodes"],
];

const isIntSpec = (spec: ParamSpec) =>
  spec.widget === "seed" || (spec.step !== undefined && Number.isInteger(spec.step) && spec.step >= 1);
const isTextSpec = (spec: ParamSpec) => spec.widget === "text" || spec.widget === "textarea";
const tidy = (v: number) => Number(v.toFixed(3));

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
  const node = doc.nodes.find((n) => n.id === draft.nodeId);
  const spec = node ? registry.get(node.type)?.params[draft.param] : undefined;
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
  const node = doc.nodes.find((n) => n.id === axis.nodeId);
  const spec = node ? registry.get(node.type)?.params[axis.param] : undefined;
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

const keyOf = (d: AxisDraft) =>
  d.kind === "param" ? `p|${d.nodeId}|${d.param}` : `t|${d.mode}|${d.nodeIds.join(",")}`;

interface Choice {
  key: string;
  label: string;
  group: string;
  /** Numbers and choices make good second axes; text and model names rarely do. */
  good?: boolean;
}

function choicesFor(doc: WorkflowDocument, registry: Registry): Choice[] {
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
  for (const [type, one, many] of TOGGLE_TYPES) {
    const nodes = doc.nodes.filter((n) => n.type === type);
    if (!nodes.length) continue;
    const ids = nodes.map((n) => n.id).join(",");
    out.push({
      key: `t|each|${ids}`,
      label:
        nodes.length === 1
          ? `${nodeDisplayName(nodes[0], registry)} on / off`
          : `Each ${one} off in turn (${nodes.length})`,
      group: "Switch on / off",
    });
    if (nodes.length > 1 && nodes.length <= 6)
      out.push({ key: `t|all|${ids}`, label: `Every on/off combination of the ${many}`, group: "Switch on / off" });
  }
  return out;
}

function draftForKey(key: string, doc: WorkflowDocument, registry: Registry): AxisDraft | null {
  const [kind, a, b] = key.split("|");
  if (kind === "t")
    return { kind: "toggle", mode: a === "all" ? "all" : "each", nodeIds: b.split(",").filter(Boolean) };
  const node = doc.nodes.find((n) => n.id === a);
  const spec = node ? registry.get(node.type)?.params[b] : undefined;
  return node && spec ? defaultAxis(a, b, spec, node.params[b]) : null;
}

function initialDrafts(preset: SweepPreset, doc: WorkflowDocument, registry: Registry): AxisDraft[] {
  if (preset.spec) return preset.spec.axes.map((a) => draftFromAxis(a, doc, registry));
  const pick = (nodeId: string, param: string) => {
    const node = doc.nodes.find((n) => n.id === nodeId);
    const spec = node ? registry.get(node.type)?.params[param] : undefined;
    return node && spec ? defaultAxis(nodeId, param, spec, node.params[param]) : null;
  };
  if (preset.nodeId && preset.param) {
    const d = pick(preset.nodeId, preset.param);
    if (d) return [d];
  }
  const sampler = doc.nodes.find((n) => registry.get(n.type)?.isOutput);
  const d = sampler ? pick(sampler.id, "guidance_scale") : null;
  if (d) return [d];
  const first = choicesFor(doc, registry)[0];
  const fallback = first ? draftForKey(first.key, doc, registry) : null;
  return fallback ? [fallback] : [];
}

function AxisEditor({
  index,
  draft,
  choices,
  onChange,
  onRemove,
}: {
  index: number;
  draft: AxisDraft;
  choices: Choice[];
  onChange(d: AxisDraft): void;
  onRemove?(): void;
}) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const key = keyOf(draft);
  const known = choices.some((c) => c.key === key);
  const groups = [...new Set(choices.map((c) => c.group))];
  const node = draft.kind === "param" ? doc.nodes.find((n) => n.id === draft.nodeId) : undefined;
  const spec = draft.kind === "param" && node ? store.registry.get(node.type)?.params[draft.param] : undefined;
  const numeric = !!spec && (spec.widget === "number" || spec.widget === "slider");
  const id = `sweep-axis-${index}`;
  return (
    <fieldset className="sw-axis" data-sweep-axis={index}>
      <legend>
        <span className="sw-axis-name">{index === 0 ? "Columns" : "Rows"}</span>
        <span className="muted">axis {index + 1}</span>
        {onRemove && (
          <button type="button" className="link-btn sw-remove" onClick={onRemove}>
            Remove
          </button>
        )}
      </legend>
      <label className="sw-row">
        <span className="sw-label">Sweep</span>
        <select
          id={id}
          className="input select"
          aria-label={`Axis ${index + 1}: what to sweep`}
          value={key}
          onChange={(e) => {
            const d = draftForKey(e.target.value, doc, store.registry);
            if (d) onChange(d);
          }}
        >
          {!known && (
            <option value={key}>
              {draft.kind === "toggle"
                ? `Switch ${draft.nodeIds.join(", ")} on / off${draft.mode === "all" ? " (every combination)" : ""}`
                : `${draft.nodeId} · ${draft.param}`}
            </option>
          )}
          {groups.map((g) => (
            <optgroup key={g} label={g}>
              {choices
                .filter((c) => c.group === g)
                .map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      {draft.kind === "toggle" ? (
        <p className="sw-hint">
          {draft.mode === "all"
            ? "Every combination of these nodes on and off"
            : "All on, then each one switched off (bypassed) in turn"}
          :{" "}
          {draft.nodeIds
            .map((nid) => {
              const n = doc.nodes.find((x) => x.id === nid);
              return n ? nodeDisplayName(n, store.registry) : nid;
            })
            .join(", ")}
          .
        </p>
      ) : (
        <>
          {numeric && (
            <div className="seg sw-mode" role="radiogroup" aria-label={`Axis ${index + 1}: range or list`}>
              {(["range", "list"] as const).map((m) => (
                <button
                  key={m}
                  type="button"
                  role="radio"
                  aria-checked={draft.mode === m}
                  className={draft.mode === m ? "on" : ""}
                  onClick={() =>
                    onChange({
                      ...draft,
                      mode: m,
                      list: draft.list || [draft.from, draft.to].filter(Boolean).join(", "),
                    })
                  }
                >
                  {m === "range" ? "Range" : "List"}
                </button>
              ))}
            </div>
          )}
          {draft.mode === "range" && numeric ? (
            <div className="sw-range">
              <label>
                <span className="sw-label">From</span>
                <input
                  className="input num"
                  aria-label={`Axis ${index + 1} from`}
                  value={draft.from}
                  onChange={(e) => onChange({ ...draft, from: e.target.value })}
                />
              </label>
              <label>
                <span className="sw-label">To</span>
                <input
                  className="input num"
                  aria-label={`Axis ${index + 1} to`}
                  value={draft.to}
                  onChange={(e) => onChange({ ...draft, to: e.target.value })}
                />
              </label>
              <label>
                <span className="sw-label">Values</span>
                <input
                  className="input num"
                  aria-label={`Axis ${index + 1} count`}
                  type="number"
                  min={1}
                  max={MAX_SWEEP_CELLS}
                  value={draft.count}
                  onChange={(e) => onChange({ ...draft, count: e.target.value })}
                />
              </label>
            </div>
          ) : spec && isTextSpec(spec) ? (
            <textarea
              className="input textarea"
              rows={3}
              aria-label={`Axis ${index + 1} values, one per line`}
              placeholder="One value per line"
              value={draft.list}
              onChange={(e) => onChange({ ...draft, mode: "list", list: e.target.value })}
            />
          ) : (
            <input
              className="input mono"
              aria-label={`Axis ${index + 1} values`}
              placeholder="Values, comma separated"
              value={draft.list}
              onChange={(e) => onChange({ ...draft, mode: "list", list: e.target.value })}
            />
          )}
        </>
      )}
    </fieldset>
  );
}

export default function SweepDialog() {
  const preset = useTeachUi((s) => s.sweepDialog);
  if (!preset) return null;
  return <SweepDialogBody preset={preset} />;
}

export function SweepDialogBody({ preset }: { preset: SweepPreset }) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const [drafts, setDrafts] = useState<AxisDraft[]>(() =>
    initialDrafts(preset, store.getState().document, store.registry),
  );
  const samplers = doc.nodes.filter((n) => store.registry.get(n.type)?.isOutput);
  const samplerSeed =
    samplers.length === 1 && typeof samplers[0].params.seed === "number" ? samplers[0].params.seed : undefined;
  const [seed, setSeed] = useState(
    preset.spec?.seed !== undefined ? String(preset.spec.seed) : samplerSeed !== undefined ? String(samplerSeed) : "",
  );
  const [concurrency, setConcurrency] = useState(DEFAULT_CONCURRENCY);
  const [outputId, setOutputId] = useState<string | undefined>(() =>
    store.getState().selection.nodes.find((id) => samplers.some((s) => s.id === id)),
  );
  const choices = useMemo(() => choicesFor(doc, store.registry), [doc, store]);
  const busy = useSweep((s) => !!s && !s.finished);

  const built = drafts.map((d) => axisFromDraft(d, doc, store.registry));
  const axisErrors = built
    .map((b, i) => ("error" in b ? `Axis ${i + 1}: ${b.error}` : null))
    .filter((x): x is string => !!x);
  const seedNum = seed.trim() === "" ? undefined : Number(seed);
  const seedError =
    seedNum !== undefined && !(Number.isSafeInteger(seedNum) && seedNum >= 0)
      ? "The seed must be a whole number of at least 0"
      : null;
  const spec: SweepSpec | null =
    !axisErrors.length && !seedError && built.length
      ? {
          axes: built.map((b) => (b as { axis: Axis }).axis) as unknown as SweepSpec["axes"],
          ...(seedNum !== undefined ? { seed: seedNum } : {}),
        }
      : null;
  // Keyed by the spec's JSON: `spec` is a new object on every render.
  const specJson = spec ? JSON.stringify(spec) : null;
  const plan = useMemo(
    () =>
      specJson ? planSweep(doc, store.registry, JSON.parse(specJson) as SweepSpec, { outputId, jobs: false }) : null,
    [doc, store, specJson, outputId],
  );
  const problems = [...axisErrors, ...(seedError ? [seedError] : []), ...(plan?.errors ?? [])];
  const canRun = !!plan && !problems.length && plan.requestCount > 0 && !busy;
  const close = () => teachUi.set({ sweepDialog: null });

  const start = () => {
    if (!spec || !canRun) return;
    const full = planSweep(store.getState().document, store.registry, spec, { outputId });
    try {
      runSweep(getController(), full, {
        concurrency,
        title: preset.title ?? (store.getState().document.meta.name || "Sweep"),
        graph: serializeWorkflow(store.getState().document),
      });
      teachUi.set({ sweepDialog: null, sweepResults: true, sweepStarted: true });
    } catch (e) {
      ui.toast((e as Error).message, "error", 6000);
    }
  };

  const axisValues =
    plan && plan.cells.length
      ? [
          [...new Set(plan.cells.map((c) => c.label.x))],
          plan.titles.y !== undefined ? [...new Set(plan.cells.map((c) => c.label.y ?? ""))] : null,
        ]
      : [null, null];

  return (
    <Modal title={preset.title ? `Sweep: ${preset.title}` : "Sweep (X/Y grid)"} onClose={close} width={620}>
      <div className="sw" data-sweep-dialog>
        <p className="muted small">
          One image per value (or per pair of values), all at the same seed, so the swept setting is the only
          difference. The results form a labelled contact sheet.
        </p>
        {drafts.map((d, i) => (
          <AxisEditor
            key={i}
            index={i}
            draft={d}
            choices={choices}
            onChange={(nd) => setDrafts(drafts.map((x, k) => (k === i ? nd : x)))}
            onRemove={i === 1 ? () => setDrafts(drafts.slice(0, 1)) : undefined}
          />
        ))}
        {drafts.length === 1 && (
          <button
            type="button"
            className="btn small sw-add"
            onClick={() => {
              // Another setting, preferably on the Sampler or Scheduler (steps, guidance, scheduler).
              const used = keyOf(drafts[0]);
              const preferred = ["|guidance_scale", "|num_inference_steps", "|scheduler", "|scale"];
              const next =
                preferred.map((p) => choices.find((c) => c.key !== used && c.key.endsWith(p))).find(Boolean) ??
                choices.find((c) => c.key !== used && c.good) ??
                choices.find((c) => c.key !== used);
              const d = next ? draftForKey(next.key, doc, store.registry) : null;
              if (d) setDrafts([...drafts, d]);
            }}
          >
            + Add a second axis (rows)
          </button>
        )}
        <div className="sw-opts">
          <label>
            <span className="sw-label">Seed</span>
            <input
              className="input num"
              aria-label="Seed for every cell"
              placeholder="from the workflow"
              value={seed}
              onChange={(e) => setSeed(e.target.value)}
            />
          </label>
          <label>
            <span className="sw-label">At a time</span>
            <select
              className="input select"
              aria-label="Requests at a time"
              value={concurrency}
              onChange={(e) => setConcurrency(Number(e.target.value))}
            >
              {Array.from({ length: MAX_CONCURRENCY }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          {samplers.length > 1 && (
            <label>
              <span className="sw-label">Sampler</span>
              <select
                className="input select"
                aria-label="Sampler to run"
                value={plan?.outputId ?? outputId ?? ""}
                onChange={(e) => setOutputId(e.target.value)}
              >
                {plan?.outputs.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div className={`sw-summary ${problems.length ? "bad" : ""}`}>
          <div className="sw-count">
            <b data-sweep-count={plan && !problems.length ? plan.requestCount : 0}>
              {plan && !problems.length ? plan.requestCount : 0}
            </b>{" "}
            request{plan?.requestCount === 1 ? "" : "s"}
          </div>
          <div className="sw-shape">
            {plan && !problems.length && (
              <>
                {plan.columns} column{plan.columns === 1 ? "" : "s"}
                {plan.rows > 1 || drafts.length > 1 ? ` × ${plan.rows} row${plan.rows === 1 ? "" : "s"}` : ""}
                {plan.seed !== undefined ? ` · seed ${plan.seed}` : ""} · {concurrency} at a time
              </>
            )}
          </div>
          {plan && !problems.length && axisValues[0] && (
            <div className="sw-values">
              <span className="muted">{plan.titles.x}:</span> {axisValues[0].join(" · ")}
              {axisValues[1] && (
                <>
                  <br />
                  <span className="muted">{plan.titles.y}:</span> {axisValues[1].join(" · ")}
                </>
              )}
            </div>
          )}
        </div>
        {problems.map((p, i) => (
          <div key={i} className="callout error">
            {p}
          </div>
        ))}
        {plan?.notes.map((n, i) => (
          <div key={i} className="callout info">
            {n}
          </div>
        ))}
        {busy && (
          <div className="callout warning">
            A sweep is still running. Wait for it, or cancel it in its results window, before starting another.
          </div>
        )}
        <div className="modal-foot">
          <button className="btn" onClick={close}>
            Cancel
          </button>
          <button className="btn primary" data-sweep-run disabled={!canRun} onClick={start}>
            Run {plan && !problems.length ? plan.requestCount : ""} request{plan?.requestCount === 1 ? "" : "s"}
          </button>
        </div>
      </div>
    </Modal>
  );
}
