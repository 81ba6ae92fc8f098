import { Suspense } from "react";
import { useEditor, useEditorInstance, useUi } from "../store/react";
import { type SideTab } from "../store/ui";
import { lazyPart, whenIdle } from "../lazy";
import { Inspector } from "./Inspector";
import { Toasts } from "./Toasts";

// The Request and Problems tabs are not on screen at first: fetched once the page is idle.
const RequestPanel = lazyPart(() => import("./RequestPanel").then((m) => ({ default: m.RequestPanel })));
const ProblemsPanel = lazyPart(() => import("./ProblemsPanel").then((m) => ({ default: m.ProblemsPanel })));
whenIdle(() => RequestPanel.preload());
whenIdle(() => ProblemsPanel.preload());

export function SidePanel() {
  const tab = useUi((s) => s.tab);
  const { ui, engine } = useEditorInstance();
  const counts = useEditor((s) => {
    const d = engine.compiledSoon(s.document).diagnostics;
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
          <button
            key={id}
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? "on" : ""}
            onClick={() => ui.set({ tab: id })}
          >
            {label}
            {id === "problems" && errors + warnings > 0 && (
              <span className={`count ${errors ? "err" : "warn"}`}>{errors || warnings}</span>
            )}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {tab === "inspector" ? (
          <Inspector />
        ) : (
          <Suspense fallback={<div className="panel-pad muted small">Loading…</div>}>
            {tab === "request" ? <RequestPanel /> : <ProblemsPanel />}
          </Suspense>
        )}
      </div>
      <Toasts />
    </aside>
  );
}
