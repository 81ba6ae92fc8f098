/**
 * What the Run button, the drawer and the drop target do, on top of the controller.
 */
import { createUiStore } from "../store/uiStore";
import { compiled, compilerReady, loadCompiler } from "../engine";
import type { EditorStore } from "../store";
import { ui } from "../store/ui";
import { serializeWorkflow, type Diagnostic, type Registry, type WorkflowDocument } from "../../graph";
import type { LoraEndpointId } from "../../fal/runner";
import { controllerLoaded, getController, getRuntime, whenControllerLoaded } from "./runtime";
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
}

export const runUi = createUiStore<RunUiState>({
  drawer: false,
  gallery: false,
  lightbox: null,
  settings: false,
  cacheOffer: null,
});
export const useRunUi = runUi.use;

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
  doc: WorkflowDocument,
  registry: Registry,
  selectedNodes: readonly string[],
  options: { jobs?: boolean } = {},
): RunPlan {
  if (!compilerReady())
    return { jobs: [], reasons: ["The pipeline is still being checked."], label: "Checking the pipeline" };
  const result = compiled(doc, registry);
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
export function runFromEditor(store: EditorStore): void {
  // Ctrl+Enter right after the page opened: run as soon as the compiler is there.
  if (!compilerReady()) {
    void loadCompiler().then(
      () => runFromEditor(store),
      (e: unknown) => ui.toast(`Cannot run: the compiler did not load (${(e as Error).message})`, "error", 6000),
    );
    return;
  }
  const s = store.getState();
  const plan = planRun(s.document, store.registry, s.selection.nodes);
  if (plan.reasons.length) {
    ui.toast(
      `Cannot run: ${plan.reasons[0]}${plan.reasons.length > 1 ? ` (+${plan.reasons.length - 1} more)` : ""}`,
      "error",
      6000,
    );
    return;
  }
  // The jobs as planned now, started once the controller is there (it loads right after the first
  // paint): the drawer then opens with the new runs' rows in it, as it does later.
  if (!controllerLoaded()) {
    void whenControllerLoaded().then(
      () => {
        runUi.set({ drawer: true });
        continueJobs(plan.jobs);
      },
      (e: unknown) => ui.toast(`Cannot run: the run feature did not load (${(e as Error).message})`, "error", 6000),
    );
    return;
  }
  runUi.set({ drawer: true });
  continueJobs(plan.jobs);
}

/** Starts jobs in order, pausing on the first one that has a cached result to offer. */
export function continueJobs(jobs: RunJob[]): void {
  // Run pressed before the controller arrived: wait for it, so a cached result is still offered.
  if (!controllerLoaded()) {
    void whenControllerLoaded().then(
      () => continueJobs(jobs),
      (e: unknown) => ui.toast(`Cannot run: the run feature did not load (${(e as Error).message})`, "error", 6000),
    );
    return;
  }
  const c = getController();
  for (let i = 0; i < jobs.length; i++) {
    const cached = c.findCached(jobs[i].endpoint, jobs[i].input);
    if (cached) {
      runUi.set({ cacheOffer: { job: jobs[i], cached, rest: jobs.slice(i + 1) } });
      return;
    }
    void c.start(jobs[i]);
  }
}

export function answerCacheOffer(useCache: boolean): void {
  const offer = runUi.get().cacheOffer;
  if (!offer) return;
  runUi.set({ cacheOffer: null });
  const c = getController();
  if (useCache) void c.useCached(offer.cached, offer.job);
  else void c.start(offer.job);
  continueJobs(offer.rest);
}

/** Object URLs for stored copies, so thumbnails survive the CDN. Revoked never: bounded by history size. */
const objectUrls = new Map<string, Promise<string | null>>();
export function storedImageUrl(key: string): Promise<string | null> {
  let p = objectUrls.get(key);
  if (!p) {
    p = getController()
      .readImage(key)
      .then((img) => (img ? URL.createObjectURL(new Blob([img.bytes], { type: img.type || "image/png" })) : null))
      .catch(() => null);
    objectUrls.set(key, p);
  }
  return p;
}

// ---------- dropping files on the editor ----------

/** The proxy URL in use, for the settings dialog and error messages. */
export function proxyInfo() {
  const { url, source } = getRuntime().proxy;
  return { url, source };
}
