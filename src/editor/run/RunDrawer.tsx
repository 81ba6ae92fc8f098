import { Suspense, useState, useSyncExternalStore } from "react";
import "./run.css";
import { Icon } from "../kit/icons";
import { lazyPart, whenIdle } from "../lazy";
import { useRunUiApi, useRunUi } from "./actions";
import { useBackend, useProxy, useRunState } from "./runtime";
import { foreignOrigin, proxyLabel } from "./settings";
import { TERMINAL } from "./types";
import { drawerOpenHeight } from "./drawerSize";

// The rows only show in the open drawer (Run opens it): fetched when the page is idle.
const RunRow = lazyPart(() => import("./RunRows").then((m) => ({ default: m.RunRow })));
whenIdle(() => RunRow.preload());

const onResize = (f: () => void) => {
  addEventListener("resize", f);
  return () => removeEventListener("resize", f);
};

export function RunDrawer() {
  const runUi = useRunUiApi();
  const open = useRunUi((s) => s.drawer);
  const runs = useRunState((s) => s.runs);
  const connection = useRunState((s) => s.connection);
  const storageError = useRunState((s) => s.storageError);
  const backend = useBackend();
  const proxy = useProxy();
  const active = runs.filter((r) => !TERMINAL.has(r.status)).length;
  const [limit, setLimit] = useState(30);
  const windowHeight = useSyncExternalStore(onResize, () => innerHeight);
  return (
    <section
      className={`run-drawer ${open ? "open" : ""}`}
      aria-label="Runs"
      style={open ? { height: drawerOpenHeight(windowHeight) } : undefined}
    >
      <div className="run-drawer-head">
        <button className="toggle" aria-expanded={open} onClick={() => runUi.set({ drawer: !open })}>
          <span className="chev">{open ? "▾" : "▸"}</span> Runs
        </button>
        {active > 0 && <span className="run-pill running">{active} active</span>}
        {connection === "reconnecting" && (
          <span className="run-pill reconnecting" role="status">
            Reconnecting…
          </span>
        )}
        {backend === "standin" && <span className="run-meta">stand-in</span>}
        {/* A running or finished sweep's and batch's chips (kit/ProgressChip.tsx): they cover no node here. */}
        <span className="run-drawer-chips" data-progress-chips />
        {proxy.source !== "default" && (
          <button
            className={`run-pill proxy ${foreignOrigin(proxy.url) ? "foreign" : ""}`}
            data-testid="active-proxy"
            title={`Runs go to ${proxy.url}${proxy.source === "query" ? " (from the page address)" : " (from Settings)"}`}
            onClick={() => runUi.set({ settings: true })}
          >
            via {proxyLabel(proxy.url)}
          </button>
        )}
        {storageError && (
          <span className="run-meta" style={{ color: "var(--warning)" }} title={storageError}>
            history not saved
          </span>
        )}
        <span className="grow" />
        <button
          className="btn small"
          onClick={() => runUi.set({ gallery: true })}
          disabled={!runs.some((r) => r.images.length)}
        >
          <Icon name="grid" size={13} /> Gallery
        </button>
        <button
          className="btn small"
          data-compare-open
          onClick={() => runUi.set({ compare: {} })}
          disabled={runs.filter((r) => r.images.length).length < 2}
          title="Two runs side by side, with what differs between their requests"
        >
          Compare
        </button>
        <button className="btn small" onClick={() => runUi.set({ settings: true })}>
          Settings
        </button>
      </div>
      {open && (
        <div className="run-drawer-body">
          {runs.length === 0 ? (
            <div className="run-empty">
              No runs yet. Press Run (Ctrl+Enter) to send the pipeline to fal; results show here and in the Sampler
              node.
            </div>
          ) : (
            <Suspense fallback={<div className="run-empty">Loading runs…</div>}>
              {runs.slice(0, limit).map((r) => (
                <RunRow key={r.id} run={r} />
              ))}
            </Suspense>
          )}
          {runs.length > limit && (
            <button className="link-btn" onClick={() => setLimit(limit + 50)}>
              Show older runs ({runs.length - limit})
            </button>
          )}
        </div>
      )}
    </section>
  );
}
