/**
 * Diagnostics seen from inside a component. The compiler puts a problem of an inner node on the
 * outermost instance, with the path inside in `inner` (docs/components.md#compiling); inside that
 * instance, the same problem belongs on the inner node (or the nested instance on its path).
 */
import type { Diagnostic, InnerPlace } from "../../graph";
import type { CompileResult } from "../engine";
import type { Scope } from "./scope";

const EMPTY: readonly Diagnostic[] = Object.freeze([]);
const byScope = new WeakMap<object, Map<string, Map<string, Diagnostic[]>>>();

/**
 * Where a place inside `scope[0].instance` is seen from `scope`: the view's node and field, or
 * undefined when it lies outside what the scope shows.
 */
export function placeInScope(
  scope: Scope,
  nodeId: string | undefined,
  inner: InnerPlace | undefined,
): { nodeId: string; field?: string } | undefined {
  if (!scope.length || nodeId !== scope[0].instance || !inner) return undefined;
  const depth = scope.length - 1;
  if (inner.path.length <= depth) return undefined;
  for (let i = 0; i < depth; i++) if (inner.path[i] !== scope[i + 1].instance) return undefined;
  const node = inner.path[depth];
  return inner.path.length === depth + 1 && inner.field !== undefined
    ? { nodeId: node, field: inner.field }
    : { nodeId: node };
}

/** The diagnostics of one node of the scope's view (the same array for the same result). */
export function scopedNodeDiagnostics(result: CompileResult, scope: Scope, nodeId: string): readonly Diagnostic[] {
  return diagnosticsInScope(result, result.diagnostics, scope).get(nodeId) ?? EMPTY;
}

/**
 * `all` by node of the scope's view, each moved onto the inner node it belongs to (the same map
 * for the same `source` and scope). `source` is the immutable object `all` belongs to: a compile
 * result, or the run diagnostics of one history.
 */
export function diagnosticsInScope(
  source: object,
  all: readonly Diagnostic[],
  scope: Scope,
): Map<string, Diagnostic[]> {
  let perScope = byScope.get(source);
  if (!perScope) byScope.set(source, (perScope = new Map()));
  const key = scope.map((s) => s.instance).join("\u001f");
  let map = perScope.get(key);
  if (!map) {
    map = new Map();
    for (const d of all) {
      const at = placeInScope(scope, d.nodeId, d.inner);
      if (!at) continue;
      const { field: _outer, inner: _inner, ...rest } = d;
      const list = map.get(at.nodeId) ?? [];
      list.push({ ...rest, nodeId: at.nodeId, ...(at.field !== undefined ? { field: at.field } : {}) });
      map.set(at.nodeId, list);
    }
    perScope.set(key, map);
  }
  return map;
}
