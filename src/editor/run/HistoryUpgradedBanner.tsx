import { useRuntime } from "./runtime";
import type { RunState } from "./controller";

/**
 * Another tab opened the run history at a newer version (a newer lora-graph): this tab closed its
 * connection so that could happen, and keeps its history writes until a reload writes them (AUTO-10).
 */
export default function HistoryUpgradedBanner({ upgraded }: { upgraded: NonNullable<RunState["historyUpgraded"]> }) {
  const runtime = useRuntime();
  return (
    <div className="run-banner" role="alert" data-testid="banner-history-upgraded">
      <span>
        <strong>Another tab upgraded this browser&apos;s run history.</strong>{" "}
        {upgraded.lost
          ? `${upgraded.lost} history ${upgraded.lost === 1 ? "change" : "changes"} could not be kept (browser storage is full): those runs will be missing from the history after the reload, so download any image you want first.`
          : "Runs made here are kept in this tab and written to the history when you reload."}{" "}
        Images of runs finished meanwhile are not copied; they show from fal while it keeps them.
      </span>
      <span className="grow" />
      <button
        className="btn small primary"
        data-testid="history-upgraded-reload"
        onClick={() => void runtime.controller.flush().finally(() => location.reload())}
      >
        Reload
      </button>
    </div>
  );
}
