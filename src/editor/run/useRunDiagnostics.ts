/**
 * Run diagnostics (fal's 422 field errors) as an extra source next to the compile diagnostics,
 * for node bodies and the Problems list. Selectors return stable arrays so a node re-renders
 * only when its own list changes.
 */
import { useMemo } from "react";
import type { CompileResult } from "../../compiler";
import type { Diagnostic } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { definePart, type Editor } from "../store/editor";
import { runCore, runtimeOf, useRunState } from "./runtime";
import type { RunRecord } from "./types";
import { diagnosticsInScope } from "../store/diagnostics";
import type { Scope } from "../store/scope";

const EMPTY: readonly Diagnostic[] = Object.freeze([]);
type Computed = { all: Diagnostic[]; byNode: Map<string, Diagnostic[]> };
/**
 * Per editor: the run diagnostics computed for a run list and a compile result (both immutable),
 * and the last array handed out per key (a node, or "all").
 */
const diagnosticsPart = definePart("runDiagnostics", () => ({
  computed: new WeakMap<readonly RunRecord[], WeakMap<CompileResult, Computed>>(),
  stable: new Map<string, readonly Diagnostic[]>(),
}));

function compute(editor: Editor, runs: readonly RunRecord[], result: CompileResult): Computed {
  const cache = editor.part(diagnosticsPart).computed;
  let inner = cache.get(runs);
  if (!inner) cache.set(runs, (inner = new WeakMap()));
  let hit = inner.get(result);
  if (!hit) {
    // No runs before the run core has loaded (they come from its controller), so nothing to map yet.
    const all = runs.length ? (runCore()?.activeRunDiagnostics(runs, result) ?? []) : [];
    const byNode = new Map<string, Diagnostic[]>();
    for (const d of all) {
      if (!d.nodeId) continue;
      const list = byNode.get(d.nodeId) ?? [];
      list.push(d);
      byNode.set(d.nodeId, list);
    }
    hit = { all, byNode };
    inner.set(result, hit);
  }
  return hit;
}

const same = (a: readonly Diagnostic[], b: readonly Diagnostic[]) =>
  a.length === b.length && a.every((d, i) => d.message === b[i].message && d.field === b[i].field);

function select(editor: Editor, key: string, pick: (h: Computed) => readonly Diagnostic[]): readonly Diagnostic[] {
  const runs = runtimeOf(editor).controller.getState().runs;
  const fresh = pick(compute(editor, runs, editor.engine.compiledSoon(editor.store.getState().document)));
  const stable = editor.part(diagnosticsPart).stable;
  const prev = stable.get(key);
  if (prev && same(prev, fresh)) return prev;
  const value = fresh.length ? fresh : EMPTY;
  stable.set(key, value);
  return value;
}

/** Either store changing re-selects; both hooks return the same stable array. */
function useSelected(key: string, pick: (h: Computed) => readonly Diagnostic[]): readonly Diagnostic[] {
  const editor = useEditorInstance();
  useEditor(() => select(editor, key, pick));
  return useRunState(() => select(editor, key, pick));
}

/** The run diagnostics by node of the scope's view (inside a component: its inner nodes). */
function byNodeIn(h: Computed, scope: Scope): Map<string, Diagnostic[]> {
  return scope.length ? diagnosticsInScope(h.all, scope) : h.byNode;
}

/** One node's compile diagnostics with its run diagnostics appended. */
export function useWithRunDiagnostics(
  nodeId: string,
  compileDiagnostics: readonly Diagnostic[],
): readonly Diagnostic[] {
  const scope = useEditor((s) => s.scope);
  const where = scope.map((s) => s.instance).join("/");
  const run = useSelected(`node:${where}:${nodeId}`, (h) => byNodeIn(h, scope).get(nodeId) ?? EMPTY);
  return useMemo(() => (run.length ? [...compileDiagnostics, ...run] : compileDiagnostics), [compileDiagnostics, run]);
}

/** All run diagnostics of the document (for the Problems list). */
export function useRunDiagnostics(): readonly Diagnostic[] {
  return useSelected("all", (h) => h.all);
}
