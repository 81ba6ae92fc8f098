/**
 * The sweep (X/Y grid) dialog: one or two axes, each a param of any node (a list or a range of
 * values) or a set of nodes switched on and off. Before anything runs it shows how many requests
 * the sweep will make; Run sends them through the ordinary runner, a few at a time.
 */
import { useMemo, useState } from "react";
import { serializeWorkflow, type WorkflowNode } from "../../graph";
import type { SweepSpec } from "../../teach/sweep";
import { LabeledInput, LabeledSelect } from "../kit/LabeledSelect";
import { Modal } from "../kit/Modal";
import { useEditor, useEditorStore, useUiApi } from "../store/react";
import { useRuntime } from "../run/runtime";
import { useTeachUiApi, useTeachUi, type SweepPreset } from "./state";
import {
  DEFAULT_CONCURRENCY,
  MAX_CONCURRENCY,
  planSweep,
  samplerNodes,
  runSweep,
  useSweep,
  useSweeps,
  type SweepPlan,
} from "./sweepRun";
import { AxisEditor } from "./SweepAxisEditor";
import { choicesFor, initialDrafts, secondAxis, specFromDrafts, type AxisDraft } from "./sweepDrafts";
import "./teach.css";

export default function SweepDialog() {
  const preset = useTeachUi((s) => s.sweepDialog);
  if (!preset) return null;
  return <SweepDialogBody preset={preset} />;
}

export function SweepDialogBody({ preset }: { preset: SweepPreset }) {
  const teachUi = useTeachUiApi();
  const runtime = useRuntime();
  const sweeps = useSweeps();
  const ui = useUiApi();
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const [drafts, setDrafts] = useState<AxisDraft[]>(() =>
    initialDrafts(preset, store.getState().document, store.registry),
  );
  const samplers = useMemo(() => samplerNodes(doc, store.registry), [doc, store]);
  const [seed, setSeed] = useState(() => initialSeed(preset, samplers));
  const [concurrency, setConcurrency] = useState(DEFAULT_CONCURRENCY);
  const [outputId, setOutputId] = useState<string | undefined>(() =>
    store.getState().selection.nodes.find((id) => samplers.some((s) => s.id === id)),
  );
  const choices = useMemo(() => choicesFor(doc, store.registry), [doc, store]);
  const busy = useSweep((s) => !!s && !s.finished);

  const { spec, problems: draftProblems } = specFromDrafts(drafts, seed, doc, store.registry);
  // Keyed by the spec's JSON: `spec` is a new object on every render.
  const specJson = spec ? JSON.stringify(spec) : null;
  const plan = useMemo(
    () =>
      specJson ? planSweep(doc, store.registry, JSON.parse(specJson) as SweepSpec, { outputId, jobs: false }) : null,
    [doc, store, specJson, outputId],
  );
  const problems = [...draftProblems, ...(plan?.errors ?? [])];
  const canRun = !!plan && !problems.length && plan.requestCount > 0 && !busy;
  const close = () => teachUi.set({ sweepDialog: null });

  const start = () => {
    if (!spec || !canRun) return;
    const full = planSweep(store.getState().document, store.registry, spec, { outputId });
    try {
      runSweep(sweeps, runtime.controller, full, {
        concurrency,
        title: preset.title ?? (store.getState().document.meta.name || "Sweep"),
        graph: serializeWorkflow(store.getState().document),
      });
      teachUi.set({ sweepDialog: null, sweepResults: true, sweepStarted: true });
    } catch (e) {
      ui.toast((e as Error).message, "error", 6000);
    }
  };

  const ready = plan && !problems.length ? plan : null;
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
              const d = secondAxis(drafts[0], choices, doc, store.registry);
              if (d) setDrafts([...drafts, d]);
            }}
          >
            + Add a second axis (rows)
          </button>
        )}
        <SweepOptions
          seed={[seed, setSeed]}
          concurrency={[concurrency, setConcurrency]}
          sampler={samplers.length > 1 ? [plan?.outputId ?? outputId ?? "", setOutputId] : null}
          outputs={plan?.outputs ?? []}
        />
        <SweepSummary
          plan={plan}
          ready={ready}
          bad={problems.length > 0}
          twoAxes={drafts.length > 1}
          concurrency={concurrency}
        />
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
            Run {ready ? ready.requestCount : ""} request{plan?.requestCount === 1 ? "" : "s"}
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** The preset's seed, else the one sampler's, else blank (each request keeps the workflow's). */
function initialSeed(preset: SweepPreset, samplers: readonly WorkflowNode[]): string {
  if (preset.spec?.seed !== undefined) return String(preset.spec.seed);
  const s = samplers.length === 1 ? samplers[0].params.seed : undefined;
  return typeof s === "number" ? String(s) : "";
}

/** How many requests, the grid's shape and each axis's values; `ready` is the plan when it has no problems. */
function SweepSummary(p: {
  plan: SweepPlan | null;
  ready: SweepPlan | null;
  bad: boolean;
  twoAxes: boolean;
  concurrency: number;
}) {
  const { plan, ready } = p;
  const count = ready ? ready.requestCount : 0;
  const columns = ready?.cells.length ? [...new Set(ready.cells.map((c) => c.label.x))] : null;
  const rows =
    ready?.cells.length && ready.titles.y !== undefined ? [...new Set(ready.cells.map((c) => c.label.y ?? ""))] : null;
  return (
    <div className={`sw-summary ${p.bad ? "bad" : ""}`}>
      <div className="sw-count">
        <b data-sweep-count={count}>{count}</b> request{plan?.requestCount === 1 ? "" : "s"}
      </div>
      <div className="sw-shape">
        {ready && (
          <>
            {ready.columns} column{ready.columns === 1 ? "" : "s"}
            {ready.rows > 1 || p.twoAxes ? ` × ${ready.rows} row${ready.rows === 1 ? "" : "s"}` : ""}
            {ready.seed !== undefined ? ` · seed ${ready.seed}` : ""} · {p.concurrency} at a time
          </>
        )}
      </div>
      {ready && columns && (
        <div className="sw-values">
          <span className="muted">{ready.titles.x}:</span> {columns.join(" · ")}
          {rows && (
            <>
              <br />
              <span className="muted">{ready.titles.y}:</span> {rows.join(" · ")}
            </>
          )}
        </div>
      )}
    </div>
  );
}

type Field<T> = [T, (v: T) => void];

const CONCURRENCIES = Array.from({ length: MAX_CONCURRENCY }, (_, i) => i + 1);

/** The seed every cell shares, how many requests at a time, and which sampler runs when there are several. */
function SweepOptions(p: {
  seed: Field<string>;
  concurrency: Field<number>;
  sampler: Field<string> | null;
  outputs: SweepPlan["outputs"];
}) {
  const [seed, setSeed] = p.seed;
  const [concurrency, setConcurrency] = p.concurrency;
  return (
    <div className="sw-opts">
      <LabeledInput
        label="Seed"
        labelClass="sw-label"
        ariaLabel="Seed for every cell"
        placeholder="from the workflow"
        value={seed}
        onChange={(e) => setSeed(e.target.value)}
      />
      <LabeledSelect
        label="At a time"
        labelClass="sw-label"
        ariaLabel="Requests at a time"
        value={concurrency}
        options={CONCURRENCIES}
        onChange={setConcurrency}
      />
      {p.sampler && (
        <LabeledSelect
          label="Sampler"
          labelClass="sw-label"
          ariaLabel="Sampler to run"
          value={p.sampler[0]}
          options={p.outputs.map((o) => ({ value: o.id, label: o.label }))}
          onChange={p.sampler[1]}
        />
      )}
    </div>
  );
}
