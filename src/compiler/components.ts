/**
 * Compiling through components (docs/components.md#compiling): the document is flattened
 * (src/graph/flatten.ts), the flat graph compiled as any other, and every diagnostic and source
 * map entry that names an inner node is moved onto the outermost instance, with the path inside
 * kept in `inner` so the editor can enter it.
 */
import {
  componentRegistry,
  flattenDocument,
  hasInstances,
  nodeDisplayNames,
  type ComponentDefinition,
  type Diagnostic,
  type FlatOrigin,
  type Flattened,
  type Registry,
  type Source,
  type WorkflowDocument,
} from "../graph";
import type { CompileResult } from "./compile";
import type { Steps } from "./steps";

/**
 * Compiles `doc` with `compileFlat` after opening its components, and says every answer in the
 * document's own terms. A document without instances is compiled as it is.
 */
export function* compileThroughComponents(
  doc: WorkflowDocument,
  registry: Registry,
  compileFlat: (flat: WorkflowDocument) => Steps<CompileResult>,
): Steps<CompileResult> {
  if (!hasInstances(doc)) return yield* compileFlat(doc);
  const flat = flattenDocument(doc);
  yield;
  const result = yield* compileFlat(flat.document);
  const names = componentRegistry(registry, doc.components);
  const mapper = new OriginMapper(flat, doc, names);
  const extra = componentDiagnostics(flat);
  const outputs = result.outputs.map((o) => {
    const diagnostics = o.diagnostics.map((d) => mapper.diagnostic(d));
    const mapped = { ...o, output: mapper.source({ nodeId: o.output }).nodeId, diagnostics };
    let sourceMap: Record<string, Source> | undefined;
    Object.defineProperty(mapped, "sourceMap", {
      enumerable: true,
      get: () => (sourceMap ??= mapper.sourceMap(o.sourceMap)),
    });
    return mapped;
  });
  return { outputs, diagnostics: [...extra, ...result.diagnostics.map((d) => mapper.diagnostic(d))] };
}

/** Problems with the definitions themselves, on the outer instances they make unusable. */
function componentDiagnostics(flat: Flattened): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of flat.problems) {
    if (p.severity !== "error" || p.code === "component-missing") continue;
    out.push({ severity: "error", code: "component-invalid", message: p.message, nodeId: p.nodeId });
  }
  return out;
}

/** Moves flat node ids back onto the instances the user sees. */
class OriginMapper {
  constructor(
    readonly flat: Flattened,
    readonly doc: WorkflowDocument,
    readonly names: Registry,
  ) {}

  source(s: Source): Source {
    const origin = this.flat.origins.get(s.nodeId);
    if (!origin) return s;
    const field = s.field === undefined ? undefined : exposedAs(origin, s.field);
    return {
      nodeId: origin.path[0],
      ...(field !== undefined ? { field } : {}),
      inner: { path: origin.path.slice(1), ...(s.field !== undefined ? { field: s.field } : {}) },
    };
  }

  sourceMap(map: Record<string, Source>): Record<string, Source> {
    const out: Record<string, Source> = {};
    for (const [path, s] of Object.entries(map)) out[path] = this.source(s);
    return out;
  }

  diagnostic(d: Diagnostic): Diagnostic {
    if (d.nodeId === undefined) return d;
    const key = this.flat.unexpanded.get(d.nodeId);
    const origin = this.flat.origins.get(d.nodeId);
    let message = d.message;
    let code = d.code;
    if (key !== undefined && d.code === "unknown-node-type") {
      code = this.doc.components?.some((c) => `${c.id}@${c.version}` === key)
        ? "component-invalid"
        : "component-missing";
      message =
        code === "component-missing"
          ? `Component ${key} is neither in the file nor in the library`
          : `Component ${key} cannot be opened (see the problems with its definition)`;
    }
    if (!origin) return { ...d, code, message };
    const s = this.source({ nodeId: d.nodeId, field: d.field });
    const inner = { ...s.inner!, ...(d.edgeId !== undefined ? { edgeId: d.edgeId } : {}) };
    const out: Diagnostic = {
      ...d,
      code,
      nodeId: s.nodeId,
      field: s.field,
      message: this.#words(origin, d.field, message),
      inner,
    };
    if (out.field === undefined) delete out.field;
    delete out.edgeId;
    return out;
  }

  readonly #named = new WeakMap<ComponentDefinition, Map<string, string>>();

  #innerNames(def: ComponentDefinition): Map<string, string> {
    let names = this.#named.get(def);
    if (!names) this.#named.set(def, (names = nodeDisplayNames(def.nodes, this.names)));
    return names;
  }

  /** "Style stack › LoRA 2 › Scale: must be at most 4". */
  #words(origin: FlatOrigin, field: string | undefined, message: string): string {
    const names: string[] = [];
    const top = this.doc.nodes.find((n) => n.id === origin.path[0]);
    names.push(top?.label || (top && this.names.get(top.type)?.title) || origin.path[0]);
    // Inner nodes as the instance's exposed-param labels name them: "LoRA 2", not "LoRA".
    origin.path.slice(1).forEach((id, i) => names.push(this.#innerNames(origin.defs[i]).get(id) ?? id));
    const last = origin.path.length - 1;
    const node = origin.defs[last - 1]?.nodes.find((n) => n.id === origin.path[last]);
    const label = field !== undefined && node ? this.names.get(node.type)?.params[field]?.label : undefined;
    if (label && message.startsWith(`${label} `))
      return `${names.join(" › ")} › ${label}: ${message.slice(label.length + 1)}`;
    return `${names.join(" › ")}: ${message}`;
  }
}

/** The outermost instance's exposed param behind an inner field, when every level exposes it. */
function exposedAs(origin: FlatOrigin, field: string): string | undefined {
  let f: string | undefined = field;
  for (let k = origin.path.length - 1; k >= 1 && f !== undefined; k--) {
    const def: ComponentDefinition = origin.defs[k - 1];
    const nodeId = origin.path[k];
    f = def.params.find((p) => p.node === nodeId && p.field === f)?.id;
  }
  return f;
}
