import { Icon } from "../kit/icons";
import { useEditor, useEditorInstance } from "../store/react";
import { useImportReportApi, type ImportNote, type ImportReport } from "./report";
import "./import.css";

const RANK = { error: 0, warning: 1, info: 2 } as const;

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * What the last import could not map or still needs, by the source's own key or node id; a row
 * that concerns a node reveals it. Stays until dismissed or the next import.
 */
export default function ImportReportView({ report }: { report: ImportReport }) {
  const importReport = useImportReportApi();
  const { store, ui } = useEditorInstance();
  const nodes = useEditor((s) => s.document.nodes);
  const notes = [...report.notes].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const by = (s: ImportNote["severity"]) => notes.filter((n) => n.severity === s).length;
  const summary = [
    by("error") && count(by("error"), "error"),
    by("warning") && count(by("warning"), "warning"),
    by("info") && count(by("info"), "note"),
  ].filter(Boolean);
  const title = (id?: string) => {
    const n = id ? nodes.find((x) => x.id === id) : undefined;
    return n ? n.label || store.registry.get(n.type)?.title || n.type : undefined;
  };
  return (
    <section className="import-report" aria-label="Import report" data-canvas-overlay>
      <header>
        <div>
          <div className="ir-title">Imported from {report.format}</div>
          <div className="ir-sub">
            {report.from} · {summary.length ? summary.join(", ") : "everything mapped"}
          </div>
        </div>
        <button
          className="icon-btn"
          aria-label="Dismiss the import report"
          onClick={() => importReport.set({ report: null })}
        >
          <Icon name="x" size={14} />
        </button>
      </header>
      {notes.length > 0 && (
        <ul className="problems">
          {notes.map((n, i) => (
            <li key={i}>
              <button
                className={`problem ${n.severity}`}
                data-severity={n.severity}
                onClick={() => {
                  if (!n.nodeId || !nodes.some((x) => x.id === n.nodeId)) return;
                  store.setSelection({ nodes: [n.nodeId], edges: [] });
                  ui.focus(n.nodeId, n.field);
                }}
              >
                <Icon name={n.severity === "info" ? "info" : "alert"} size={14} />
                <span className="p-text">
                  <span className="p-where">
                    {n.source ?? n.path ?? "import"}
                    {title(n.nodeId) ? ` → ${title(n.nodeId)}` : ""}
                  </span>
                  <span className="p-msg">{n.message}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
