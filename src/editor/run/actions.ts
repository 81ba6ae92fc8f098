/**
 * What the Run button, the drawer and the drop target do, on top of the controller.
 */
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { serializeWorkflow, type Diagnostic, type Registry, type WorkflowDocument } from "../../graph";
import type { LoraEndpointId } from "../../fal/runner";
import { runtimeOf } from "./runtime";
import type { RunJob, RunRecord } from "./types";

// ---------- UI state of the run feature (kept apart from the editor's ui store) ----------

export interface RunUiState {
  drawer: boolean;
  gallery: boolean;
  /** Open lightbox: a run and image index. */
  lightbox: { runId: string; index: number } | null;
  settings: boolean;
  /** An identical finished request exists: use it or run again? */
  cacheOffer: { job: RunJob; cached: RunRecord; rest: RunJob[] } | null;
  /** The compare window: two runs side by side (either not chosen yet). */
  compare: { a?: string; b?: string } | null;
  /** The gallery shows only this batch's images (runs carry their batch id). */
  galleryBatch: string | null;
}

const runUiPart = definePart("runUi", () =>
  createUiStore<RunUiState>({
    drawer: false,
    gallery: false,
    lightbox: null,
    settings: false,
    cacheOffer: null,
    compare: null,
    galleryBatch: null,
  }),
);
export const runUiOf = (editor: Editor): UiStore<RunUiState> => editor.part(runUiPart);
/** This editor's run UI store, for handlers. */
export const useRunUiApi = (): UiStore<RunUiState> => usePart(runUiPart);
export const useRunUi = <T>(selector: (s: RunUiState) => T): T => useUiStore(useRunUiApi(), selector);

// ---------- planning ----------

export interface RunPlan {
  jobs: RunJob[];
  /** Why nothing can run (compile errors); empty when jobs can go. */
  reasons: string[];
  /** Label for the button tooltip: what would run. */
  label: string;
}

function nodeTitle(doc: WorkflowDocument, registry: Registry, id?: string): string {
  const n = id ? doc.nodes.find((x) => x.id === id) : undefined;
  return n ? n.label || registry.get(n.type)?.title || n.type : "Pipeline";
}

/**
 * The requests Run would send: the selected Samplers, or every Sampler when none is selected.
 * Any compile error in them means no request at all, with the errors as reasons.
 */
export function planRun(
  editor: Pick<Editor, "engine" | "registry">,
  doc: WorkflowDocument,
  selectedNodes: readonly string[],
  options: { jobs?: boolean } = {},
): RunPlan {
  const registry = editor.registry;
  const result = editor.engine.compiled(doc);
  const selected = result.outputs.filter((o) => selectedNodes.includes(o.output));
  const targets = selected.length ? selected : result.outputs;
  if (targets.length === 0) {
    const why =
      result.diagnostics.find((d) => d.severity === "error")?.message ?? "The pipeline has no Sampler output.";
    return { jobs: [], reasons: [why], label: "Nothing to run" };
  }
  const reasons: string[] = [];
  const seen = new Set<string>();
  for (const out of targets) {
    for (const d of out.diagnostics) {
      if (d.severity !== "error") continue;
      const text = `${nodeTitle(doc, registry, d.nodeId)}${d.field ? ` › ${d.field}` : ""}: ${d.message}`;
      if (!seen.has(text)) reasons.push(text);
      seen.add(text);
    }
    if (!out.ok && !out.diagnostics.some((d: Diagnostic) => d.severity === "error"))
      reasons.push(`${nodeTitle(doc, registry, out.output)} cannot be compiled.`);
  }
  const label =
    targets.length === 1 ? `Run ${nodeTitle(doc, registry, targets[0].output)}` : `Run ${targets.length} Samplers`;
  // The button only needs the verdict; serializing the graph on every edit would cost big graphs.
  if (reasons.length || options.jobs === false) return { jobs: [], reasons, label };
  const graph = serializeWorkflow(doc);
  const title = doc.meta.name || "Untitled pipeline";
  return {
    reasons: [],
    label,
    jobs: targets.map((o) => ({
      endpoint: o.endpoint as LoraEndpointId,
      input: o.input!,
      sourceMap: o.sourceMap,
      outputNodeId: o.output,
      graph,
      title: targets.length > 1 ? `${title} · ${nodeTitle(doc, registry, o.output)}` : title,
    })),
  };
}

/** Runs the plan for the current selection; identical finished requests are offered from cache first. */
export function runFromEditor(editor: Editor): void {
  const s = editor.store.getState();
  const plan = planRun(editor, s.document, s.selection.nodes);
  if (plan.reasons.length) {
    editor.ui.toast(
      `Cannot run: ${plan.reasons[0]}${plan.reasons.length > 1 ? ` (+${plan.reasons.length - 1} more)` : ""}`,
      "error",
      6000,
    );
    return;
  }
  // The jobs as planned now, started once the controller is there (it loads right after the first
  // paint): the drawer then opens with the new runs' rows in it, as it does later.
  // The jobs start before the drawer renders, so the submit's request is not held up by that render.
  whenLoaded(editor, () => {
    continueJobs(editor, plan.jobs);
    runUiOf(editor).set({ drawer: true });
  });
}

/** Runs `then` once the run controller has loaded (at once if it has); a failed load is a toast. */
function whenLoaded(editor: Editor, then: () => void): void {
  const rt = runtimeOf(editor);
  if (rt.controllerLoaded()) return then();
  void rt
    .loadController()
    .then(then, (e: unknown) =>
      editor.ui.toast(`Cannot run: the run feature did not load (${(e as Error).message})`, "error", 6000),
    );
}

/** Starts jobs in order, pausing on the first one that has a cached result to offer. */
export function continueJobs(editor: Editor, jobs: RunJob[]): void {
  // Run pressed before the controller arrived: wait for it, so a cached result is still offered.
  whenLoaded(editor, () => {
    const c = runtimeOf(editor).controller;
    for (let i = 0; i < jobs.length; i++) {
      const cached = c.findCached(jobs[i].endpoint, jobs[i].input);
      if (cached) {
        runUiOf(editor).set({ cacheOffer: { job: jobs[i], cached, rest: jobs.slice(i + 1) } });
        return;
      }
      void c.start(jobs[i]);
    }
  });
}

export function answerCacheOffer(editor: Editor, useCache: boolean): void {
  const runUi = runUiOf(editor);
  const offer = runUi.get().cacheOffer;
  if (!offer) return;
  runUi.set({ cacheOffer: null });
  const c = runtimeOf(editor).controller;
  if (useCache) void c.useCached(offer.cached, offer.job);
  else void c.start(offer.job);
  continueJobs(editor, offer.rest);
}

// ---------- dropping files on the editor ----------

/** The proxy URL in use, for the settings dialog and error messages. */
export function proxyInfo(editor: Editor) {
  const { url, source } = runtimeOf(editor).info.get().proxy;
  return { url, source };
}
