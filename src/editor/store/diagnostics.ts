/**
 * Diagnostics seen from inside a component. The compiler puts a problem of an inner node on the
 * outermost instance, with the path inside in `inner` (docs/components.md#compiling); inside that
 * instance, the same problem belongs on the inner node (or the nested instance on its path).
 */
import type { Diagnostic, InnerPlace } from "../../graph";
import type { CompileResult } from "../engine";
import type { Scope } from "./scope";
import { weakMemo2 } from "../../shared/weakMemo";

const EMPTY: readonly Diagnostic[] = Object.freeze([]);
/** Between the instance ids of a scope in the key a scope's diagnostics are kept under. */
const SEP = "\u001f";

/**
 * Where a place inside `scope[0].instance` is seen from `scope`: the view's node and field, or
 * undefined when it lies outside what the scope shows.
 */
export function placeInScope(
  scope: readonly Pick<Scope[number], "instance">[],
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
  return diagnosticsInScope(result.diagnostics, scope).get(nodeId) ?? EMPTY;
}

/**
 * `all` by node of the scope's view, each moved onto the inner node it belongs to: the same map
 * for the same `all` (a compile result's diagnostics, or the run diagnostics of one history, both
 * immutable) and scope.
 */
export function diagnosticsInScope(all: readonly Diagnostic[], scope: Scope): Map<string, Diagnostic[]> {
  return inScope(all, scope.map((s) => s.instance).join(SEP));
}

const inScope = weakMemo2((all: readonly Diagnostic[], path: string): Map<string, Diagnostic[]> => {
  const scope = path ? path.split(SEP).map((instance) => ({ instance })) : [];
  const map = new Map<string, Diagnostic[]>();
  for (const d of all) {
    const at = placeInScope(scope, d.nodeId, d.inner);
    if (!at) continue;
    const { field: _outer, inner: _inner, ...rest } = d;
    const list = map.get(at.nodeId) ?? [];
    list.push({ ...rest, nodeId: at.nodeId, ...(at.field !== undefined ? { field: at.field } : {}) });
    map.set(at.nodeId, list);
  }
  return map;
});
