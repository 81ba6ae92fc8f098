// The run controller's state and its history writes: the one place that changes RunState. The
// controller's parts (controller.ts, follow.ts, images.ts) read and write runs through it.
import { createUiStore } from "../store/uiStore";
import type { RunHistory } from "./history";
import type { LiveInfo, RunRecord } from "./types";
import type { RunState } from "./controller";

export class RunLedger {
  // A zustand store like the editor's other stores (store/uiStore.ts), not a hand-written one.
  private readonly store = createUiStore<RunState>({
    ready: false,
    runs: [],
    live: {},
    connection: "online",
    storageError: null,
    historyUpgraded: null,
  });
  /** The chain of history writes; each starts after the one before it. */
  writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly history: RunHistory,
    private readonly onStorageError?: (error: unknown) => void,
  ) {}

  getState = (): RunState => this.store.get();

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(() => listener());

  emit(patch: Partial<RunState>): void {
    this.store.set(patch);
  }

  private get state(): RunState {
    return this.store.get();
  }

  find(id: string): RunRecord | undefined {
    return this.state.runs.find((r) => r.id === id);
  }

  /** Queues a write; writes are applied in call order, so a later status never lands before an earlier one. */
  persist(record: RunRecord): Promise<void> {
    this.writes = this.writes.then(() =>
      this.history.put(record).then(
        () => {
          if (this.state.storageError) this.emit({ storageError: null });
        },
        (e: unknown) => {
          this.emit({ storageError: `Run history could not be saved: ${(e as Error)?.message ?? String(e)}` });
          this.onStorageError?.(e);
        },
      ),
    );
    return this.writes;
  }

  /** Puts `record` in state (new ones first), without writing it. */
  setRecord(record: RunRecord): void {
    const runs = this.state.runs;
    const i = runs.findIndex((r) => r.id === record.id);
    this.emit({ runs: i < 0 ? [record, ...runs] : runs.map((r, k) => (k === i ? record : r)) });
  }

  /** Changes a run in state and in history; undefined when there is no such run. */
  update(id: string, patch: Partial<RunRecord>): RunRecord | undefined {
    const cur = this.find(id);
    if (!cur) return undefined;
    const next = { ...cur, ...patch };
    this.setRecord(next);
    void this.persist(next);
    return next;
  }

  /** Merges into a run's live info (queue position, logs, progress); null ends it. */
  setLive(id: string, patch: Partial<LiveInfo> | null): void {
    const live = { ...this.state.live };
    if (patch === null) delete live[id];
    else live[id] = { ...{ logs: [], progress: null }, ...live[id], ...patch };
    this.emit({ live });
  }
}
