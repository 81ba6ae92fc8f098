/**
 * The editor's single doorway to the compiler's public API. Each editor has one engine
 * (`editor.engine`): one compiler, which remembers the checks of the nodes an edit left alone, and
 * one result per document object (immer gives a new object on every edit, the same one otherwise).
 *
 * The compiler is part of the first load (docs/architecture.md#the-first-load): every view gets a
 * real result from the first render on.
 */
import { createCompiler, type CompileResult, type CompiledOutput } from "../compiler";
import type { Diagnostic, Registry, WorkflowDocument } from "../graph";

export type { CompileResult, CompiledOutput };
export { compile, lookupSource, importRequest, layoutDocument } from "../compiler";

export interface Engine {
  /** The compile result of `doc`, memoised per document object. */
  compiled(doc: WorkflowDocument): CompileResult;
  /** One node's diagnostics: the same array while they are equal, so node views do not re-render. */
  nodeDiagnostics(result: CompileResult, nodeId: string): readonly Diagnostic[];
}

const EMPTY: readonly Diagnostic[] = Object.freeze([]);

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

  function compiled(doc: WorkflowDocument): CompileResult {
    let r = results.get(doc);
    if (!r) {
      try {
        r = compiler.compile(doc, registry);
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

  return { compiled, nodeDiagnostics };
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
