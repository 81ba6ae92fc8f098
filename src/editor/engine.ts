/**
 * The editor's single doorway to the compiler's public API, with memoisation: compile is pure,
 * so one result per document object (immer gives a new object on every edit, the same one otherwise).
 */
import { compile, type CompileResult, type CompiledOutput } from "../compiler";
import type { Diagnostic, Registry, WorkflowDocument } from "../graph";

export type { CompileResult, CompiledOutput };

const results = new WeakMap<WorkflowDocument, CompileResult>();

export function compiled(doc: WorkflowDocument, registry: Registry): CompileResult {
  let r = results.get(doc);
  if (!r) {
    try {
      r = compile(doc, registry);
    } catch (e) {
      // A compiler bug must not take the editor down with it; show it as a problem instead.
      r = { outputs: [], diagnostics: [{ severity: "error", code: "internal-error", message: `Compiler crashed: ${(e as Error).message}` }] };
    }
    results.set(doc, r);
  }
  return r;
}

const EMPTY: readonly Diagnostic[] = Object.freeze([]);
const byNodeCache = new WeakMap<CompileResult, Map<string, Diagnostic[]>>();
/** Last array handed out per node: reused while equal so node components do not re-render. */
const stable = new Map<string, readonly Diagnostic[]>();

const sameDiagnostics = (a: readonly Diagnostic[], b: readonly Diagnostic[]) =>
  a.length === b.length && a.every((d, i) => d.code === b[i].code && d.message === b[i].message && d.field === b[i].field && d.severity === b[i].severity);

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
