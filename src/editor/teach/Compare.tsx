/**
 * Compare two runs from the history: their images side by side and, in plain words, what differs
 * between the two requests (diffRequests), so "why do these two images differ?" has an answer.
 */
import { useMemo } from "react";
import { loadWorkflow, type WorkflowDocument } from "../../graph";
import { diffRequests, type RequestSnapshot } from "../../teach/diffRequests";
import { Modal } from "../kit/Modal";
import { useEditorStore } from "../store/react";
import { useRunUi, useRunUiApi } from "../run/actions";
import { useRunState } from "../run/runtime";
import { RunThumb } from "../run/Thumb";
import type { RunRecord } from "../run/types";
import "./teach.css";

const when = (t: number) =>
  new Date(t).toLocaleString([], {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
// The time last: a label too long for its box ends in an ellipsis, and the seed says more than the time.
const runLabel = (r: RunRecord) =>
  `${r.title}${r.seed !== undefined ? ` · seed ${r.seed}` : ""} · ${when(r.createdAt)}`;

function useSnapshot(run: RunRecord | undefined): RequestSnapshot | undefined {
  const store = useEditorStore();
  return useMemo(() => {
    if (!run) return undefined;
    let document: WorkflowDocument | undefined;
    const r = loadWorkflow(run.graph, store.registry);
    if (r.ok) document = r.document;
    return { input: run.input, endpoint: run.endpoint, sourceMap: run.sourceMap, document };
  }, [run, store]);
}

function Side({
  which,
  run,
  runs,
  onPick,
}: {
  which: "A" | "B";
  run?: RunRecord;
  runs: readonly RunRecord[];
  onPick(id: string): void;
}) {
  const runUi = useRunUiApi();
  return (
    <div className="cmp-side" data-compare-side={which}>
      <select
        className="input select"
        aria-label={`Run ${which}`}
        title={run ? runLabel(run) : undefined}
        value={run?.id ?? ""}
        onChange={(e) => onPick(e.target.value)}
      >
        {!run && <option value="">Choose a run…</option>}
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {runLabel(r)}
          </option>
        ))}
      </select>
      <div className="cmp-image">
        {run && run.images.length ? (
          <RunThumb run={run} index={0} onOpen={() => runUi.set({ lightbox: { runId: run.id, index: 0 } })} />
        ) : (
          <div className="sr-empty">
            <span>No image</span>
          </div>
        )}
      </div>
    </div>
  );
}

export default function Compare() {
  const runUi = useRunUiApi();
  const store = useEditorStore();
  const pick = useRunUi((s) => s.compare);
  const all = useRunState((s) => s.runs);
  const runs = useMemo(() => all.filter((r) => r.status === "completed" && r.images.length > 0), [all]);
  const a = runs.find((r) => r.id === pick?.a) ?? (pick?.a === undefined ? runs[1] : undefined);
  const b = runs.find((r) => r.id === pick?.b) ?? (pick?.b === undefined ? runs[0] : undefined);
  const sa = useSnapshot(a);
  const sb = useSnapshot(b);
  const diff = useMemo(() => (sa && sb ? diffRequests(sa, sb, store.registry) : null), [sa, sb, store]);
  if (!pick) return null;
  const close = () => runUi.set({ compare: null });
  return (
    <Modal title="Compare two runs" onClose={close} width={880}>
      <div className="cmp" data-compare>
        {runs.length < 2 ? (
          <p className="muted">
            Compare needs two finished runs with images in the history. Run the pipeline twice (change something in
            between), or run a sweep.
          </p>
        ) : (
          <>
            <div className="cmp-sides">
              <Side which="A" run={a} runs={runs} onPick={(id) => runUi.set({ compare: { a: id, b: b?.id } })} />
              <Side which="B" run={b} runs={runs} onPick={(id) => runUi.set({ compare: { a: a?.id, b: id } })} />
            </div>
            <div className="cmp-diff" data-compare-diff>
              <h4 className="section">What changed from A to B</h4>
              {!diff ? (
                <p className="muted">Choose two runs.</p>
              ) : diff.changes.length === 0 ? (
                <p>{diff.sentence}</p>
              ) : (
                <ul className="cmp-changes">
                  {diff.changes.map((c, i) => (
                    <li key={i} className={`cmp-${c.kind}`}>
                      <span className="cmp-kind">{c.kind}</span>
                      <span>{c.text}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </>
        )}
      </div>
    </Modal>
  );
}
