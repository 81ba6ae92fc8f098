import { useEditor, useEditorStore } from "../store/react";
import { ui, useUi, type SideTab } from "../store/ui";
import { compiled } from "../engine";
import { Inspector } from "./Inspector";
import { RequestPanel } from "./RequestPanel";
import { ProblemsPanel } from "./ProblemsPanel";

export function SidePanel() {
  const tab = useUi((s) => s.tab);
  const store = useEditorStore();
  const counts = useEditor((s) => {
    const d = compiled(s.document, store.registry).diagnostics;
    return `${d.filter((x) => x.severity === "error").length}/${d.filter((x) => x.severity === "warning").length}`;
  });
  const [errors, warnings] = counts.split("/").map(Number);
  const tabs: [SideTab, string][] = [
    ["inspector", "Inspector"],
    ["request", "Request"],
    ["problems", "Problems"],
  ];
  return (
    <aside className="sidepanel" aria-label="Details">
      <div className="tabs" role="tablist">
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" aria-selected={tab === id} className={tab === id ? "on" : ""} onClick={() => ui.set({ tab: id })}>
            {label}
            {id === "problems" && errors + warnings > 0 && <span className={`count ${errors ? "err" : "warn"}`}>{errors || warnings}</span>}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {tab === "inspector" ? <Inspector /> : tab === "request" ? <RequestPanel /> : <ProblemsPanel />}
      </div>
    </aside>
  );
}
