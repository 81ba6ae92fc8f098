/**
 * The editor's single doorway to the compiler's public API. Each editor has one engine
 * (`editor.engine`): one compiler, which remembers the checks of the nodes an edit left alone, and
 * one result per document object (immer gives a new object on every edit, the same one otherwise).
 *
 * The compiler is part of the first load (docs/codebase.md#the-first-load): every view gets a
 * real result from the first render on, except right after a big document arrives (a file of
 * thousands of nodes), whose first compile runs in slices between frames (`compiledSoon`).
 */
import { createCompiler, finish, type CompileResult, type CompiledOutput, type Steps } from "../compiler";
import { movedOnly, type Diagnostic, type Registry, type WorkflowDocument } from "../graph";

export type { CompileResult, CompiledOutput };
export { compile, elkHere, lookupSource, importRequest, layoutDocument } from "../compiler";

export interface Engine {
  /** The compile result of `doc`, memoised per document object. */
  compiled(doc: WorkflowDocument): CompileResult;
  /**
   * For views: `doc`'s result, or PENDING while a document most of whose nodes this engine has not
   * checked yet (a big file just opened) is compiled in slices between frames. The subscribers
   * hear when it lands. Actions (run, export) use `compiled`, which finishes such a compile at once.
   */
  compiledSoon(doc: WorkflowDocument): CompileResult;
  /** Called when a sliced compile lands. */
  subscribe(listener: () => void): () => void;
  /** One node's diagnostics: the same array while they are equal, so node views do not re-render. */
  nodeDiagnostics(result: CompileResult, nodeId: string): readonly Diagnostic[];
}

const EMPTY: readonly Diagnostic[] = Object.freeze([]);

/** What `compiledSoon` gives while a compile is in slices: no outputs and no diagnostics yet. */
export const PENDING: CompileResult = Object.freeze({ outputs: [], diagnostics: [] });

/**
 * From this many nodes not checked before, a view's compile is sliced. Opening a 5,000-node file
 * compiled it in one go: ~100 ms on an idle 2-core machine, ~900 ms on a busy one, in the task
 * that mounts the graph. An edit brings one new node and compiles at once.
 */
export const SLICE_FROM_NEW_NODES = 400;
/** One slice of a sliced compile, in ms: short enough to leave frames to the canvas. */
const SLICE_MS = 8;

const sameDiagnostics = (a: readonly Diagnostic[], b: readonly Diagnostic[]) =>
  a.length === b.length &&
  a.every(
    (d, i) =>
      d.code === b[i].code && d.message === b[i].message && d.field === b[i].field && d.severity === b[i].severity,
  );

function byNode(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const map = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (!d.nodeId) continue;
    let list = map.get(d.nodeId);
    if (!list) map.set(d.nodeId, (list = []));
    list.push(d);
  }
  return map;
}

export function createEngine(registry: Registry): Engine {
  const compiler = createCompiler();
  const results = new WeakMap<WorkflowDocument, CompileResult>();
  const byNodeCache = new WeakMap<CompileResult, Map<string, Diagnostic[]>>();
  /** Last array handed out per node, dropped with the node (see nodeDiagnostics). */
  let stable = new Map<string, readonly Diagnostic[]>();
  let stableFor: CompileResult | null = null;

  /** Node objects of the documents compiled so far (immer keeps the unchanged ones across edits). */
  let checked = new WeakSet<object>();
  let job: { doc: WorkflowDocument; steps: Steps<CompileResult>; timer?: ReturnType<typeof setTimeout> } | null = null;
  const listeners = new Set<() => void>();

  /** The document compiled last: a drop that only moved nodes keeps its result. */
  let last: WorkflowDocument | null = null;

  function land(doc: WorkflowDocument, r: CompileResult): CompileResult {
    results.set(doc, r);
    checked = new WeakSet(doc.nodes);
    last = doc;
    return r;
  }

  /**
   * The compiler reads no position: a drop of dragged nodes keeps the last result. Its node set
   * takes the moved nodes alone (a new set of every node was 5,000 inserts in the drop's task).
   */
  function keep(doc: WorkflowDocument): CompileResult | undefined {
    const before = last && results.get(last);
    if (!before || !last || !movedOnly(last, doc)) return undefined;
    const was = last.nodes;
    doc.nodes.forEach((n, i) => n !== was[i] && checked.add(n));
    results.set(doc, before);
    last = doc;
    return before;
  }

  function compiled(doc: WorkflowDocument): CompileResult {
    const r = results.get(doc);
    if (r) return r;
    if (job?.doc === doc) {
      clearTimeout(job.timer);
      const steps = job.steps;
      job = null;
      const done = guarded(() => finish(steps));
      return land(doc, done);
    }
    // Dropping a dragged node in a 5,000-node graph recompiled the whole document (~100 ms on an
    // idle 2-core machine) in the task of the drop.
    const kept = keep(doc);
    if (kept) return kept;
    const done = guarded(() => compiler.compile(doc, registry));
    return land(doc, done);
  }

  function compiledSoon(doc: WorkflowDocument): CompileResult {
    const r = results.get(doc);
    if (r) return r;
    if (job?.doc === doc) return PENDING;
    const kept = job ? undefined : keep(doc);
    if (kept) return kept;
    let fresh = 0;
    for (const n of doc.nodes) if (!checked.has(n)) fresh++;
    if (fresh < SLICE_FROM_NEW_NODES) return compiled(doc);
    // A newer document replaces one still compiling: nobody will ask for the old one's result.
    clearTimeout(job?.timer);
    job = { doc, steps: compiler.compileInSteps(doc, registry) };
    job.timer = setTimeout(pump, 0);
    return PENDING;
  }

  function pump() {
    if (!job) return;
    const { doc, steps } = job;
    const end = performance.now() + SLICE_MS;
    const r = guarded(() => {
      do {
        const step = steps.next();
        if (step.done) return step.value;
      } while (performance.now() < end);
      return undefined;
    });
    if (!r) {
      job.timer = setTimeout(pump, 0);
      return;
    }
    job = null;
    land(doc, r);
    for (const l of [...listeners]) l();
  }

  function nodeDiagnostics(result: CompileResult, nodeId: string): readonly Diagnostic[] {
    let map = byNodeCache.get(result);
    if (!map) byNodeCache.set(result, (map = byNode(result.diagnostics)));
    if (stableFor !== result) {
      // A new result: keep only the arrays of nodes that still have diagnostics, so deleted
      // nodes do not pile up. Equal arrays carry over below, by content.
      const next = new Map<string, readonly Diagnostic[]>();
      for (const id of map.keys()) {
        const prev = stable.get(id);
        if (prev) next.set(id, prev);
      }
      stable = next;
      stableFor = result;
    }
    const fresh = map.get(nodeId) ?? EMPTY;
    const prev = stable.get(nodeId) ?? EMPTY;
    if (sameDiagnostics(prev, fresh)) return prev;
    stable.set(nodeId, fresh);
    return fresh;
  }

  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  return { compiled, compiledSoon, subscribe, nodeDiagnostics };
}

/** A compile that throws (a compiler bug) must not take the editor down with it: it shows as a problem. */
function guarded<T>(run: () => T): T | CompileResult {
  try {
    return run();
  } catch (e) {
    return {
      outputs: [],
      diagnostics: [
        { severity: "error", code: "internal-error", message: `Compiler crashed: ${(e as Error).message}` },
      ],
    };
  }
}

/** The diagnostic for one field (the first error, else the first warning). */
export function fieldDiagnostic(list: readonly Diagnostic[], field: string): Diagnostic | undefined {
  const own = list.filter((d) => d.field === field);
  return own.find((d) => d.severity === "error") ?? own[0];
}

/** What a Sampler's request will do, in the words people use: the endpoint follows its inputs. */
export function endpointMode(endpoint: string): { short: string; long: string } {
  if (endpoint.endsWith("/inpaint")) return { short: "inpaint", long: "Inpaint (an init image and a mask are wired)" };
  if (endpoint.endsWith("/image-to-image"))
    return { short: "img2img", long: "Image to image (an init image is wired)" };
  return { short: "txt2img", long: "Text to image (wire an init image for image to image)" };
}
