/**
 * The editor's single doorway to the compiler's public API, with memoisation: compile is pure,
 * so one result per document object (immer gives a new object on every edit, the same one otherwise).
 *
 * The compiler is not part of the first load (docs/architecture.md#the-first-load): it starts
 * loading when this module does and the first paint does not wait for it. Until it is there,
 * `compiled()` answers PENDING (no outputs, no diagnostics) without caching it; views re-select
 * once it arrives (`onCompilerReady`, which main.tsx wires into the store subscription React uses).
 */
import { useSyncExternalStore } from "react";
import type { CompileResult, CompiledOutput, Compiler, SourceMap } from "../compiler";
import type { Diagnostic, Registry, WorkflowDocument } from "../graph";
import type { EditorStore } from "./store";
import { onDemand } from "./lazy";

export type { CompileResult, CompiledOutput };

type CompilerApi = typeof import("../compiler");

const readyListeners = new Set<() => void>();
const compiler = onDemand<CompilerApi>(
  () => import("../compiler"),
  () => {
    for (const l of [...readyListeners]) l();
  },
);

/** Loads the compiler once (retrying after a failed fetch); resolves when `compiled()` gives real results. */
export const loadCompiler = (): Promise<CompilerApi> => compiler.load();

export const compilerReady = (): boolean => compiler.current() !== null;

/** Called once when the compiler has loaded (never, if it already had); returns an unsubscribe function. */
export function onCompilerReady(listener: () => void): () => void {
  if (compiler.current()) return () => {};
  readyListeners.add(listener);
  return () => void readyListeners.delete(listener);
}

/**
 * The store as React should see it: its subscriptions also fire once when the compiler has
 * loaded, so every view selecting from compiled() re-selects. Persistence keeps the plain store:
 * nothing changed for it to save.
 */
export function wakeOnCompiler(store: EditorStore): EditorStore {
  const view: EditorStore = Object.create(store);
  view.subscribe = (listener) => {
    const off = store.subscribe(listener);
    const offReady = onCompilerReady(() => listener(store.getState(), store.getState()));
    return () => {
      off();
      offReady();
    };
  };
  return view;
}

// Start at once: the fetch overlaps opening IndexedDB and the first render.
void loadCompiler().catch(() => undefined);

/** The answer while the compiler is still loading: nothing to run, nothing to report yet. */
export const PENDING: CompileResult = Object.freeze({ outputs: [], diagnostics: [] }) as unknown as CompileResult;

const results = new WeakMap<WorkflowDocument, CompileResult>();
/** One compiler for the editor's edits: it remembers the checks of the nodes an edit left alone. */
let instance: Compiler | undefined;

export function compiled(doc: WorkflowDocument, registry: Registry): CompileResult {
  const api = compiler.current();
  if (!api) return PENDING;
  let r = results.get(doc);
  if (!r) {
    try {
      r = (instance ??= api.createCompiler()).compile(doc, registry);
    } catch (e) {
      // A compiler bug must not take the editor down with it; show it as a problem instead.
      r = {
        outputs: [],
        diagnostics: [
          { severity: "error", code: "internal-error", message: `Compiler crashed: ${(e as Error).message}` },
        ],
      };
    }
    results.set(doc, r);
  }
  return r;
}

/** The compiler's `lookupSource`; undefined while the compiler is still loading. */
export function lookupSource(
  sourceMap: SourceMap,
  path: readonly (string | number)[],
): ReturnType<CompilerApi["lookupSource"]> {
  return compiler.current()?.lookupSource(sourceMap, path);
}

const EMPTY: readonly Diagnostic[] = Object.freeze([]);
const byNodeCache = new WeakMap<CompileResult, Map<string, Diagnostic[]>>();
/** Last array handed out per node: reused while equal so node components do not re-render. */
const stable = new Map<string, readonly Diagnostic[]>();

const sameDiagnostics = (a: readonly Diagnostic[], b: readonly Diagnostic[]) =>
  a.length === b.length &&
  a.every(
    (d, i) =>
      d.code === b[i].code && d.message === b[i].message && d.field === b[i].field && d.severity === b[i].severity,
  );

export function nodeDiagnostics(result: CompileResult, nodeId: string): readonly Diagnostic[] {
  let map = byNodeCache.get(result);
  if (!map) {
    map = new Map();
    for (const d of result.diagnostics) {
      if (!d.nodeId) continue;
      let list = map.get(d.nodeId);
      if (!list) map.set(d.nodeId, (list = []));
      list.push(d);
    }
    byNodeCache.set(result, map);
  }
  const fresh = map.get(nodeId) ?? EMPTY;
  const prev = stable.get(nodeId);
  if (prev && sameDiagnostics(prev, fresh)) return prev;
  stable.set(nodeId, fresh);
  return fresh;
}

/** The diagnostic for one field (the first error, else the first warning). */
export function fieldDiagnostic(list: readonly Diagnostic[], field: string): Diagnostic | undefined {
  const own = list.filter((d) => d.field === field);
  return own.find((d) => d.severity === "error") ?? own[0];
}

/** True once the compiler has loaded; re-renders the caller when it does. */
export function useCompilerReady(): boolean {
  return useSyncExternalStore(onCompilerReady, compilerReady, compilerReady);
}

/** What a Sampler's request will do, in the words people use: the endpoint follows its inputs. */
export function endpointMode(endpoint: string): { short: string; long: string } {
  if (endpoint.endsWith("/inpaint")) return { short: "inpaint", long: "Inpaint (an init image and a mask are wired)" };
  if (endpoint.endsWith("/image-to-image"))
    return { short: "img2img", long: "Image to image (an init image is wired)" };
  return { short: "txt2img", long: "Text to image (wire an init image for image to image)" };
}
