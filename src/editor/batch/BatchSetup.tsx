/**
 * Setting a batch up: a table dropped or pasted, the wildcard lists, count, concurrency, seed
 * policy; a preview of every row (rows that fail marked, with why) and the total requests and time
 * before anything is sent.
 */
import { useMemo, useState, type DragEvent } from "react";
import { SEED_POLICIES, toPlainText, type DrawMode, type SeedPolicy } from "../../batch";
import { serializeWorkflow as serializeDoc } from "../../graph";
import { useEditor, useEditorStore } from "../store/react";
import { useRunState } from "../run/runtime";
import { HISTORY_KEEP_RUNS } from "../run/types";
import {
  DEFAULT_BATCH_CONCURRENCY,
  MAX_BATCH_CONCURRENCY,
  estimateSeconds,
  prepareBatch,
  type BatchSetup,
  type PreparedBatch,
} from "./batchRun";
import { LabeledInput, LabeledSelect } from "../kit/LabeledSelect";
import { Modal } from "../kit/Modal";
import { loadBatchCap } from "../run/batchCap";
import { ListsEditor } from "./ListsEditor";
import { PreviewTable } from "./PreviewTable";
import { createListStore, listTexts } from "./lists";
import { useWildcardLists } from "./useLists";

const CONCURRENCIES = Array.from({ length: MAX_BATCH_CONCURRENCY }, (_, i) => i + 1);
const SEED_LABEL: Record<SeedPolicy, string> = { fixed: "Fixed", increment: "Increment", random: "Random" };

function formatDuration(s: number): string {
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function newBatchId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID().slice(0, 8) : `${Date.now()}`;
}

function TableInput({ table, onTable }: { table: BatchSetup["table"]; onTable(t: BatchSetup["table"]): void }) {
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    // The table is the batch's: the window's own file drop (open a workflow) must not see it.
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const file = e.dataTransfer.files[0];
    // Decoded with any BOM kept (File.text() drops it): the table reader refuses it by name.
    if (file)
      void file
        .arrayBuffer()
        .then((bytes) =>
          onTable({ name: file.name, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) }),
        );
  };
  return (
    <div
      className={`bt-drop ${over ? "over" : ""}`}
      data-batch-drop
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <div className="bt-drop-head">
        <span className="bt-label">Table</span>
        <span className="muted small">
          {table
            ? table.name
            : "Drop or paste a CSV or JSON-lines file: columns node.param (prompt.prompt) or a list name"}
        </span>
        {table && (
          <button type="button" className="link-btn" onClick={() => onTable(undefined)}>
            Clear
          </button>
        )}
      </div>
      <textarea
        className="input textarea mono"
        aria-label="Table (CSV or JSON lines)"
        placeholder={'prompt.prompt,sampler.seed\n"a {red|blue} castle",1'}
        rows={4}
        value={table?.text ?? ""}
        onChange={(e) =>
          onTable(e.target.value ? { name: table?.name ?? "pasted table", text: e.target.value } : undefined)
        }
      />
    </div>
  );
}

interface OptionValues {
  count: number;
  concurrency: number;
  seedPolicy: SeedPolicy;
  mode: DrawMode;
  seed: number;
  outputId?: string;
}

function Options({
  value,
  outputs,
  set,
}: {
  value: OptionValues;
  outputs: PreparedBatch["outputs"];
  set(patch: Partial<OptionValues>): void;
}) {
  return (
    <div className="bt-opts">
      <LabeledInput
        label="Count"
        labelClass="bt-label"
        ariaLabel="Runs per row"
        type="number"
        min={1}
        max={1000}
        value={value.count}
        onChange={(e) => set({ count: Math.max(1, Math.min(1000, Math.floor(Number(e.target.value) || 1))) })}
      />
      <LabeledSelect
        label="At a time"
        labelClass="bt-label"
        ariaLabel="Concurrency"
        value={value.concurrency}
        options={CONCURRENCIES}
        onChange={(concurrency) => set({ concurrency })}
      />
      <LabeledSelect
        label="Seed"
        labelClass="bt-label"
        ariaLabel="Seed policy"
        value={value.seedPolicy}
        options={SEED_POLICIES.map((p) => ({ value: p, label: SEED_LABEL[p] }))}
        onChange={(seedPolicy) => set({ seedPolicy })}
      />
      <LabeledSelect<DrawMode>
        label="Wildcards"
        labelClass="bt-label"
        ariaLabel="Wildcard mode"
        value={value.mode}
        options={[
          { value: "random", label: "Random draws" },
          { value: "combinatorial", label: "Every combination" },
        ]}
        onChange={(mode) => set({ mode })}
      />
      <LabeledInput
        label="Batch seed"
        labelClass="bt-label"
        ariaLabel="Batch seed"
        type="number"
        value={value.seed}
        onChange={(e) => set({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
      />
      {outputs.length > 1 && (
        <LabeledSelect
          label="Sampler"
          labelClass="bt-label"
          ariaLabel="Sampler"
          value={value.outputId}
          options={outputs.map((o) => ({ value: o.id, label: o.label }))}
          onChange={(outputId) => set({ outputId })}
        />
      )}
    </div>
  );
}

/** The explicit yes a batch over the cap needs, naming how many requests it sends. */
function ConfirmBig({
  count,
  cap,
  onCancel,
  onSend,
}: {
  count: number;
  cap: number;
  onCancel(): void;
  onSend(): void;
}) {
  const n = count.toLocaleString("en");
  return (
    <Modal title={`Send ${n} requests?`} onClose={onCancel} width={440}>
      <p data-batch-confirm>
        This batch sends <strong>{n}</strong> requests to fal, more than your cap of {cap.toLocaleString("en")}. Each
        one is billed.
      </p>
      <div className="modal-foot">
        <button className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button className="btn primary" onClick={onSend}>
          Send {n} requests
        </button>
      </div>
    </Modal>
  );
}

/** The batch's first problems, and the offer to convert a table an Excel or Windows editor wrote. */
function Problems({
  prepared,
  table,
  onTable,
}: {
  prepared: PreparedBatch;
  table: BatchSetup["table"];
  onTable(t: BatchSetup["table"]): void;
}) {
  return (
    <>
      {prepared.errors.slice(0, 6).map((e, i) => (
        <div key={i} className="callout error" data-batch-error>
          {e}
        </div>
      ))}
      {prepared.errors.length > 6 && <p className="muted small">… and {prepared.errors.length - 6} more problems</p>}
      {prepared.convertible && table && (
        <div className="bt-convert">
          <span className="muted small">Excel and Windows editors write these; the rows stay as they are.</span>
          <button
            type="button"
            className="btn"
            data-batch-convert
            onClick={() => onTable({ name: table.name, text: toPlainText(table.text) })}
          >
            Convert to plain UTF-8 with LF line endings
          </button>
        </div>
      )}
    </>
  );
}

/**
 * How many requests, about how long, what the history keeps of them, and (`confirm`: the cap
 * they pass) that running asks first.
 */
function Summary({
  prepared,
  estimate,
  confirm,
}: {
  prepared: PreparedBatch;
  estimate: number | undefined;
  confirm: number | undefined;
}) {
  const ok = prepared.errors.length === 0;
  return (
    <>
      <div className="bt-summary" data-batch-count={ok ? prepared.requestCount : 0}>
        <strong>{ok ? prepared.requestCount : 0}</strong> requests
        {estimate !== undefined && ok && (
          <span className="muted"> · about {formatDuration(estimate)} (from your recent runs)</span>
        )}
        {estimate === undefined && <span className="muted"> · no recent runs to estimate the time from</span>}
      </div>
      {prepared.requestCount > HISTORY_KEEP_RUNS && ok && (
        <p className="muted small" data-batch-history-note>
          Run history keeps the newest {HISTORY_KEEP_RUNS} runs, but all of this batch&apos;s stay until a newer batch
          runs; then its oldest leave the history. Every image keeps its values in its metadata.
        </p>
      )}
      {confirm !== undefined && (
        <p className="bt-confirm">
          More than {confirm.toLocaleString("en")} requests: running asks you to confirm (the cap is in Settings).
        </p>
      )}
    </>
  );
}

export function BatchSetupView({ onStart }: { onStart(prepared: PreparedBatch): void }) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const runs = useRunState((s) => s.runs);
  const listStore = useMemo(() => createListStore(), []);
  const listsApi = useWildcardLists(listStore);
  const lists = useMemo(() => listTexts(listsApi.lists), [listsApi.lists]);
  const [table, setTable] = useState<BatchSetup["table"]>(undefined);
  const [count, setCount] = useState(1);
  const [concurrency, setConcurrency] = useState(DEFAULT_BATCH_CONCURRENCY);
  const [seedPolicy, setSeedPolicy] = useState<SeedPolicy>("fixed");
  const [mode, setMode] = useState<DrawMode>("random");
  const [seed, setSeed] = useState(() => Math.floor(Math.random() * 2 ** 31));
  const [outputId, setOutputId] = useState<string | undefined>(undefined);
  const [asking, setAsking] = useState(false);
  // Read when the window opens: the Settings dialog that changes it is not open beside it.
  const [cap] = useState(loadBatchCap);
  const prepared = useMemo(() => {
    const setup: BatchSetup = {
      id: "",
      title: doc.meta.name || "Untitled pipeline",
      graph: "",
      table,
      lists,
      count,
      concurrency,
      seed,
      seedPolicy,
      mode,
      outputId,
    };
    return prepareBatch(store.registry, doc, setup);
  }, [store.registry, doc, table, lists, count, concurrency, seed, seedPolicy, mode, outputId]);
  const estimate = estimateSeconds(runs, prepared.requestCount, concurrency);
  const big = prepared.requestCount > cap;
  const canRun = prepared.errors.length === 0 && prepared.requestCount > 0;
  // Planned again with the batch's id and workflow, which every run records.
  const start = () =>
    onStart(prepareBatch(store.registry, doc, { ...prepared.setup, id: newBatchId(), graph: serializeDoc(doc) }));
  return (
    <div className="bt" data-batch-setup>
      <p className="muted small">
        One run per row of a table (or {count > 1 ? `${count} per row` : "count runs"}), with wildcards such as{" "}
        <code>{"{red|blue}"}</code> or <code>__colors__</code> drawn in text fields. Every result keeps the values
        drawn.
      </p>
      <TableInput table={table} onTable={setTable} />
      <ListsEditor api={listsApi} />
      <Options
        value={{ count, concurrency, seedPolicy, mode, seed, outputId: prepared.setup.outputId }}
        outputs={prepared.outputs}
        set={(p) => {
          if (p.count !== undefined) setCount(p.count);
          if (p.concurrency !== undefined) setConcurrency(p.concurrency);
          if (p.seedPolicy !== undefined) setSeedPolicy(p.seedPolicy);
          if (p.mode !== undefined) setMode(p.mode);
          if (p.seed !== undefined) setSeed(p.seed);
          if (p.outputId !== undefined) setOutputId(p.outputId);
        }}
      />
      <PreviewTable grid={prepared.grid} count={count} />
      <Problems prepared={prepared} table={table} onTable={setTable} />
      <Summary prepared={prepared} estimate={estimate} confirm={big && canRun ? cap : undefined} />
      <div className="modal-foot">
        <button
          className="btn primary"
          data-batch-run
          disabled={!canRun}
          onClick={() => (big ? setAsking(true) : start())}
        >
          Run {prepared.errors.length ? "" : `${prepared.requestCount} `}requests
        </button>
      </div>
      {asking && (
        <ConfirmBig
          count={prepared.requestCount}
          cap={cap}
          onCancel={() => setAsking(false)}
          onSend={() => {
            setAsking(false);
            start();
          }}
        />
      )}
    </div>
  );
}
