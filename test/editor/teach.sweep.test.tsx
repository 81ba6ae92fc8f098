// @vitest-environment happy-dom
// The sweep dialog shows how many requests a sweep makes before it runs; the sweep runner sends
// one request per cell at the fixed seed through the run controller, a bounded number at a time.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { registry } from "../../nodes";
import { componentRegistry, loadWorkflow, serializeWorkflow, type WorkflowDocument } from "../../src/graph";
import { extractComponent } from "../../src/graph/componentEdits";
import { lessons } from "../../src/examples/lessons";
import { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { SweepDialogBody } from "../../src/editor/teach/SweepDialog";
import { createSweeps, planSweep, runSweep, type Sweeps } from "../../src/editor/teach/sweepRun";
import type { SweepPreset } from "../../src/editor/teach/state";
import type { RunJob, RunRecord } from "../../src/editor/run/types";
import { pendingRecord } from "./runRecords";

afterEach(cleanup);
let sweeps: Sweeps;
beforeEach(() => {
  sweeps = createSweeps();
});

function lessonDoc(id: string): WorkflowDocument {
  const r = loadWorkflow(structuredClone(lessons.find((l) => l.id === id)!.document), registry);
  if (!r.ok) throw new Error(`lesson ${id} does not load`);
  return r.document;
}

function renderDialog(doc: WorkflowDocument, preset: SweepPreset) {
  const editor = createEditor({ registry, document: doc });
  const store = editor.store;
  render(
    <EditorProvider editor={editor}>
      <SweepDialogBody preset={preset} />
    </EditorProvider>,
  );
  const count = () => Number(document.querySelector("[data-sweep-count]")!.getAttribute("data-sweep-count"));
  const run = () => screen.getByRole("button", { name: /^Run / }) as HTMLButtonElement;
  return { store, count, run };
}

describe("sweep dialog", () => {
  it("opens on the param it was asked for, with a range, and shows the request count before running", () => {
    const { count, run } = renderDialog(lessonDoc("guidance"), { nodeId: "sampler", param: "guidance_scale" });
    expect((screen.getByLabelText("Axis 1: what to sweep") as HTMLSelectElement).value).toBe(
      "p|sampler|guidance_scale",
    );
    expect(count()).toBe(5);
    expect(run().textContent).toBe("Run 5 requests");
    expect(run().disabled).toBe(false);
  });

  it("counts both axes: a list of 3 values by a second axis of 2 is 6 requests", () => {
    const { count, run } = renderDialog(lessonDoc("guidance"), { nodeId: "sampler", param: "guidance_scale" });
    fireEvent.click(screen.getByRole("radio", { name: "List" }));
    fireEvent.change(screen.getByLabelText("Axis 1 values"), { target: { value: "3, 7.5, 12" } });
    expect(count()).toBe(3);
    fireEvent.click(screen.getByRole("button", { name: /Add a second axis/ }));
    fireEvent.change(screen.getByLabelText("Axis 2: what to sweep"), {
      target: { value: "p|sched|num_inference_steps" },
    });
    fireEvent.click(screen.getAllByRole("radio", { name: "List" })[1]);
    fireEvent.change(screen.getByLabelText("Axis 2 values"), { target: { value: "10, 30" } });
    expect(count()).toBe(6);
    expect(run().textContent).toBe("Run 6 requests");
    expect(document.querySelector(".sw-shape")!.textContent).toContain("3 columns × 2 rows");
  });

  it("a lesson's ready-made sweep opens with its axes: 4 schedulers × 3 step counts = 12", () => {
    const lesson = lessons.find((l) => l.id === "schedulers")!;
    const { count } = renderDialog(lessonDoc("schedulers"), { spec: lesson.sweep, title: lesson.title });
    expect(count()).toBe(12);
  });

  it("refuses values the param does not accept, says which, and cannot run", () => {
    const { count, run } = renderDialog(lessonDoc("guidance"), { nodeId: "sched", param: "num_inference_steps" });
    fireEvent.click(screen.getByRole("radio", { name: "List" }));
    fireEvent.change(screen.getByLabelText("Axis 1 values"), { target: { value: "20, 2.5" } });
    expect(count()).toBe(0);
    expect(run().disabled).toBe(true);
    expect(document.querySelector(".callout.error")!.textContent).toMatch(/2\.5/);
  });

  it("switching nodes on and off is an axis too: each LoRA off in turn", () => {
    const { count } = renderDialog(lessonDoc("lora-scale"), {});
    fireEvent.change(screen.getByLabelText("Axis 1: what to sweep"), { target: { value: "t|each|lora" } });
    expect(count()).toBe(2); // on, off
  });

  it("sweeps through a component: the Sampler inside it runs, an exposed param is an axis", () => {
    const doc = lessonDoc("guidance");
    const sampler = doc.nodes.find((n) => n.id === "sampler")!;
    sampler.params = { ...sampler.params, guidance_scale: 6 };
    const made = extractComponent(doc, ["sampler"], { name: "Generator" }, registry);
    if (!made.ok) throw new Error(made.reason);
    const { count, run } = renderDialog(made.document, {});
    const axis = screen.getByLabelText("Axis 1: what to sweep") as HTMLSelectElement;
    const key = `p|${made.instanceId}|sampler.guidance_scale`;
    expect([...axis.options].map((o) => o.value)).toContain(key);
    fireEvent.change(axis, { target: { value: key } });
    fireEvent.click(screen.getByRole("radio", { name: "List" }));
    fireEvent.change(screen.getByLabelText("Axis 1 values"), { target: { value: "3, 7.5, 12" } });
    expect(count()).toBe(3);
    expect(run().disabled).toBe(false);
    const types = componentRegistry(registry, made.document.components);
    const plan = planSweep(
      made.document,
      types,
      { axes: [{ kind: "param", nodeId: made.instanceId, param: "sampler.guidance_scale", values: [3, 12] }] },
      {},
    );
    expect(plan.outputId).toBe(made.instanceId);
    expect(plan.cells.map((c) => (c.job?.input as { guidance_scale?: number }).guidance_scale)).toEqual([3, 12]);
  });
});

/** A controller stand-in: records every start, resolves each after a tick, tracks how many run at once. */
function fakeController(options: { rateLimitFirst?: number } = {}) {
  let runs: RunRecord[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let n = 0;
  let refuse = options.rateLimitFirst ?? 0;
  const starts: RunJob[] = [];
  const removed: string[] = [];
  const set = (r: RunRecord) =>
    (runs = runs.some((x) => x.id === r.id) ? runs.map((x) => (x.id === r.id ? r : x)) : [r, ...runs]);
  return {
    starts,
    removed,
    get maxInFlight() {
      return maxInFlight;
    },
    getState: () => ({ ready: true, runs, live: {}, connection: "online" as const, storageError: null }),
    findCached: () => undefined,
    useCached: async () => {
      throw new Error("not used");
    },
    cancel: async () => ({ ok: true as const, outcome: "CANCELLATION_REQUESTED" as const }),
    remove: async (id: string) => {
      removed.push(id);
      runs = runs.filter((r) => r.id !== id);
    },
    start(job: RunJob): Promise<RunRecord> {
      const rec = pendingRecord(job, `run-${++n}`, n);
      set(rec);
      starts.push(job);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve) =>
        setTimeout(() => {
          inFlight--;
          if (refuse > 0) {
            refuse--;
            const failed = {
              ...rec,
              status: "failed",
              error: { kind: "http", step: "submit", status: 429, message: "Too many requests", retryAfterSeconds: 0 },
            } as RunRecord;
            set(failed);
            return resolve(failed);
          }
          const done = {
            ...rec,
            status: "completed",
            images: [{ url: `https://example.com/${rec.id}.png` }],
          } as RunRecord;
          set(done);
          resolve(done);
        }, 2),
      );
    },
  };
}

describe("sweep runner", () => {
  const spec = {
    axes: [
      { nodeId: "sampler", param: "guidance_scale", values: [3, 7.5, 12] },
      { nodeId: "sched", param: "num_inference_steps", values: [10, 30] },
    ],
  } as const;

  it("sends one request per cell (3 × 2 = 6) at one seed, never more than `concurrency` at once, each recorded in the history", async () => {
    const doc = lessonDoc("guidance");
    const plan = planSweep(doc, registry, spec);
    expect(plan.requestCount).toBe(6);
    const c = fakeController();
    const handle = runSweep(sweeps, c, plan, { concurrency: 2, graph: serializeWorkflow(doc) });
    const state = await handle.done;
    expect(c.starts).toHaveLength(6);
    expect(c.maxInFlight).toBe(2);
    expect(new Set(c.starts.map((j) => j.input.seed))).toEqual(new Set([77]));
    expect(c.starts.map((j) => `${j.input.guidance_scale}/${j.input.num_inference_steps}`)).toEqual([
      "3/10",
      "7.5/10",
      "12/10",
      "3/30",
      "7.5/30",
      "12/30",
    ]);
    expect(state.finished).toBe(true);
    expect(
      state.cells.every(
        (cell) => cell.state === "done" && c.getState().runs.find((r) => r.id === cell.runId)?.status === "completed",
      ),
    ).toBe(true);
    expect(sweeps.get()?.finished).toBe(true);
  });

  it("runs one at a time when asked, and refuses a second sweep while one runs", async () => {
    const doc = lessonDoc("guidance");
    const c = fakeController();
    const handle = runSweep(sweeps, c, planSweep(doc, registry, spec), { concurrency: 1, graph: "{}" });
    expect(() => runSweep(sweeps, c, planSweep(doc, registry, spec), { graph: "{}" })).toThrow(/already running/);
    await handle.done;
    expect(c.maxInFlight).toBe(1);
  });

  it("a submit refused with 429 (never queued) is sent again and its failed record dropped", async () => {
    const doc = lessonDoc("guidance");
    const c = fakeController({ rateLimitFirst: 1 });
    const state = await runSweep(
      sweeps,
      c,
      planSweep(doc, registry, { axes: [{ nodeId: "sampler", param: "guidance_scale", values: [3, 5] }] }),
      { graph: "{}", sleep: async () => {} },
    ).done;
    expect(c.starts).toHaveLength(3);
    expect(c.removed).toHaveLength(1);
    expect(state.cells.map((cell) => c.getState().runs.find((r) => r.id === cell.runId)?.status)).toEqual([
      "completed",
      "completed",
    ]);
  });

  it("cancel stops the cells that have not started", async () => {
    const doc = lessonDoc("guidance");
    const c = fakeController();
    const handle = runSweep(sweeps, c, planSweep(doc, registry, spec), { concurrency: 1, graph: "{}" });
    handle.cancel();
    const state = await handle.done;
    expect(c.starts.length).toBeLessThanOrEqual(1);
    expect(state.cells.filter((cell) => cell.state === "skipped")).toHaveLength(5);
  });
});
