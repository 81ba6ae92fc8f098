/**
 * What the Run button, the drawer and the drop target do, on top of the controller.
 */
import { useSyncExternalStore } from "react";
import { compiled, compilerReady, loadCompiler } from "../engine";
import { replaceGuarded } from "../library/files";
import type { EditorStore } from "../store";
import { ui } from "../store/ui";
import { loadWorkflow, serializeWorkflow, type Diagnostic, type Registry, type WorkflowDocument } from "../../graph";
import { workflowFromImageFile } from "../load/loadOffThread";
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

let runUiState: RunUiState = { drawer: false, gallery: false, lightbox: null, settings: false, cacheOffer: null };
const runUiListeners = new Set<() => void>();

export const runUi = {
  get: () => runUiState,
  set(patch: Partial<RunUiState>) {
    runUiState = { ...runUiState, ...patch };
    for (const l of [...runUiListeners]) l();
  },
  subscribe(l: () => void) {
    runUiListeners.add(l);
    return () => runUiListeners.delete(l);
  },
};

export function useRunUi<T>(selector: (s: RunUiState) => T): T {
  return useSyncExternalStore(runUi.subscribe, () => selector(runUiState), () => selector(runUiState));
}

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
export function planRun(doc: WorkflowDocument, registry: Registry, selectedNodes: readonly string[], options: { jobs?: boolean } = {}): RunPlan {
  if (!compilerReady()) return { jobs: [], reasons: ["The pipeline is still being checked."], label: "Checking the pipeline" };
  const result = compiled(doc, registry);
  const selected = result.outputs.filter((o) => selectedNodes.includes(o.output));
  const targets = selected.length ? selected : result.outputs;
  if (targets.length === 0) {
    const why = result.diagnostics.find((d) => d.severity === "error")?.message ?? "The pipeline has no Sampler output.";
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
    if (!out.ok && !out.diagnostics.some((d: Diagnostic) => d.severity === "error")) reasons.push(`${nodeTitle(doc, registry, out.output)} cannot be compiled.`);
  }
  const label = targets.length === 1 ? `Run ${nodeTitle(doc, registry, targets[0].output)}` : `Run ${targets.length} Samplers`;
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
    ui.toast(`Cannot run: ${plan.reasons[0]}${plan.reasons.length > 1 ? ` (+${plan.reasons.length - 1} more)` : ""}`, "error", 6000);
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

// ---------- history actions ----------

/** Brings back the graph a run was made from, through the editor's ask-when-unsaved flow. */
export async function restoreRun(store: EditorStore, run: RunRecord): Promise<void> {
  const r = loadWorkflow(run.graph, store.registry);
  if (!r.ok) {
    ui.toast(`This run's graph could not be restored: ${r.errors[0]?.message ?? "unknown error"}`, "error", 8000);
    return;
  }
  const when = new Date(run.createdAt).toLocaleString();
  if (await replaceGuarded(store, r.document, `Replaced by restoring the graph of the run from ${when}`, "Restore this run's graph?", false)) {
    ui.toast(`Restored the graph of the run from ${when}`, "success");
  }
}

/** The bytes of a run's image: the IndexedDB copy when there is one, else the URL. */
export async function imageBytes(run: RunRecord, index: number): Promise<{ bytes: Uint8Array; type: string }> {
  const img = run.images[index];
  if (!img) throw new Error(`run has no image ${index + 1}`);
  if (img.storedKey) {
    const stored = await getController().readImage(img.storedKey);
    if (stored) return { bytes: new Uint8Array(stored.bytes), type: stored.type };
  }
  const res = await fetch(img.url, { referrerPolicy: "no-referrer", credentials: "omit" });
  if (!res.ok) throw new Error(`the image is no longer available (HTTP ${res.status})`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get("content-type") ?? "" };
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

function safeName(s: string): string {
  return s.trim().replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "image";
}

/** Downloads an image with its workflow and request embedded (PNG iTXt / JPEG COM). */
export async function downloadRunImage(run: RunRecord, index: number): Promise<void> {
  try {
    // PNG/JPEG metadata code is only needed here: not part of the first load.
    const [{ bytes }, { REQUEST_KEYWORD, WORKFLOW_KEYWORD, sniffImage, writeImageMetadata }] = await Promise.all([imageBytes(run, index), import("../../graph/imageMetadata")]);
    const kind = sniffImage(bytes);
    const w = writeImageMetadata(bytes, [
      { keyword: WORKFLOW_KEYWORD, text: run.graph },
      { keyword: REQUEST_KEYWORD, text: JSON.stringify({ endpoint: run.endpoint, input: run.input }) },
    ]);
    const out = w.ok ? w.bytes : bytes;
    if (!w.ok) ui.toast(`Downloaded without the workflow inside: ${w.error}`, "info", 6000);
    const ext = kind === "jpeg" ? "jpg" : kind === "png" ? "png" : "bin";
    const url = URL.createObjectURL(new Blob([out as BlobPart], { type: kind === "jpeg" ? "image/jpeg" : kind === "png" ? "image/png" : "application/octet-stream" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${safeName(run.title)}-${run.seed ?? "x"}-${index + 1}.${ext}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  } catch (e) {
    ui.toast(`Download failed: ${(e as Error).message}`, "error", 6000);
  }
}

// ---------- dropping files on the editor ----------

/** Largest image read for an embedded workflow. */
export const MAX_DROP_IMAGE_BYTES = 64 * 1024 * 1024;

/** PNG/JPEG by name or type; other files (workflow JSON) are left to the library's drop handler. */
export function isImageFile(file: { name: string; type: string }): boolean {
  return /^image\/(png|jpeg)$/i.test(file.type) || /\.(png|jpe?g)$/i.test(file.name);
}

/** Opens the workflow embedded in a dropped image. Untrusted bytes: sizes capped, never throws. */
export async function openDroppedImage(store: EditorStore, file: File): Promise<void> {
  if (file.size > MAX_DROP_IMAGE_BYTES) {
    ui.toast(`${file.name} is too large to read (${Math.round(file.size / 1048576)} MB; the limit is 64 MB)`, "error", 6000);
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    ui.toast(`${file.name} could not be read: ${(e as Error).message}`, "error", 6000);
    return;
  }
  // Read and validated in a worker: an image can carry a workflow at the node cap (IMP-05).
  const r = await workflowFromImageFile(bytes, store.registry);
  if (!r.ok) return ui.toast(`${file.name}: ${r.error}`, "error", 6000);
  if (!r.load.ok) {
    const first = r.load.errors[0];
    return ui.toast(`The workflow inside ${file.name} could not be loaded: ${first?.message ?? "unknown error"}`, "error", 8000);
  }
  if (!(await replaceGuarded(store, r.load.document, `Replaced by opening the workflow inside ${file.name}`, "Open the workflow inside this image?"))) return;
  ui.toast(`Opened the workflow inside ${file.name}${r.load.warnings.length ? ` with ${r.load.warnings.length} repair(s)` : ""}`, "success");
}

/** The proxy URL in use, for the settings dialog and error messages. */
export function proxyInfo() {
  const rt = getRuntime();
  return { url: rt.proxyUrl, source: rt.proxySource };
}

