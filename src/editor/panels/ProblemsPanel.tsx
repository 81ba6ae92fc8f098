import { useEditor, useEditorInstance } from "../store/react";
import { Icon } from "../kit/icons";
import { revealPlace } from "../store/reveal";
import { useRunDiagnostics } from "../run/useRunDiagnostics";
import { PENDING } from "../engine";
import { Checking } from "./Checking";

const RANK = { error: 0, warning: 1, info: 2 } as const;

export function ProblemsPanel() {
  const editor = useEditorInstance();
  const { store, engine } = editor;
  const doc = useEditor((s) => s.document);
  const result = useEditor((s) => engine.compiledSoon(s.document));
  const { diagnostics } = result;
  const runDiagnostics = useRunDiagnostics();
  if (result === PENDING) return <Checking />;
  const list = [...diagnostics, ...runDiagnostics].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  if (!list.length) {
    return (
      <div className="panel-pad">
        <div className="empty-state">
          <div className="empty-title">
            <Icon name="check" /> No problems
          </div>
          <div className="empty-sub">The pipeline compiles. Its request is in the Request tab.</div>
        </div>
      </div>
    );
  }
  const title = (id?: string) => {
    const n = id ? doc.nodes.find((x) => x.id === id) : undefined;
    return n ? n.label || store.registry.get(n.type)?.title || n.type : "Pipeline";
  };
  const fieldLabel = (id?: string, field?: string) => {
    const n = id ? doc.nodes.find((x) => x.id === id) : undefined;
    const def = n && store.registry.get(n.type);
    if (!field) return "";
    return def?.params[field]?.label ?? def?.inputs.find((p) => p.id === field)?.label ?? field;
  };
  return (
    <ul className="problems" aria-label="Problems">
      {list.map((d, i) => (
        <li key={i}>
          <button
            className={`problem ${d.severity}`}
            onClick={() => {
              if (!d.nodeId) return;
              revealPlace(editor, d);
            }}
          >
            <Icon name={d.severity === "info" ? "info" : "alert"} size={14} />
            <span className="p-text">
              <span className="p-where">
                {title(d.nodeId)}
                {d.field ? ` · ${fieldLabel(d.nodeId, d.field)}` : ""}
              </span>
              <span className="p-msg">{d.message}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
