/**
 * What changes when a pipeline's component moves from one version to another, in plain words:
 * the component's interface (ports and fields added, removed, retyped) and, through the diff the
 * Compare view uses (diffRequests), what the pipeline's requests to fal would change.
 */
import { compile as compileDocument, type CompileResult } from "../compiler";
import { componentKey, type ComponentDefinition, type Registry, type WorkflowDocument } from "../graph";
import {
  definitionChanges,
  sameContent,
  suggestBump,
  updateInstances,
  type InterfaceChange,
  type VersionBump,
} from "../graph/componentEdits";
import { diffRequests, type RequestChange } from "./diffRequests";

export interface ComponentChange {
  /** Nothing but the version number differs. */
  same: boolean;
  /** In the component: its ports and fields, their defaults, its inner nodes. */
  definition: InterfaceChange[];
  /** How the pipeline's requests change; a sampler's id leads when the pipeline has several. */
  request: RequestChange[];
  /** The request changes as sentences, or one saying the request stays the same. */
  requestLines: string[];
  suggested: VersionBump;
}

/**
 * `doc` with definition `fromKey` replaced by `def` (and what it uses): its instances are moved
 * to `def`'s version, or, when the version is the same, the definition's content is swapped.
 */
export function withDefinition(
  doc: WorkflowDocument,
  fromKey: string,
  def: ComponentDefinition,
  uses: readonly ComponentDefinition[] = [],
): WorkflowDocument {
  if (componentKey(def.id, def.version) !== fromKey) return updateInstances(doc, fromKey, def, uses).document;
  return {
    ...doc,
    components: (doc.components ?? []).map((c) => (componentKey(c.id, c.version) === fromKey ? def : c)),
  };
}

/**
 * Describes moving from `from` to `to`: `before` and `after` are the pipeline using each.
 * `compile` defaults to the compiler; the editor passes its cached one.
 */
export function describeComponentChange(
  from: ComponentDefinition,
  to: ComponentDefinition,
  before: WorkflowDocument,
  after: WorkflowDocument,
  registry: Registry,
  compile: (doc: WorkflowDocument) => CompileResult = (doc) => compileDocument(doc, registry),
): ComponentChange {
  const same = sameContent(from, to);
  const definition = same ? [] : definitionChanges(from, to);
  const request = same ? [] : requestChanges(compile(before), compile(after), before, after, registry);
  const requestLines = request.length ? request.map((c) => c.text) : ["It stays the same."];
  if (!same && !definition.length) definition.push({ text: "Only where inner nodes sit", bump: "patch" });
  return { same, definition, request, requestLines, suggested: same ? "patch" : suggestBump(from, to) };
}

function requestChanges(
  a: CompileResult,
  b: CompileResult,
  before: WorkflowDocument,
  after: WorkflowDocument,
  registry: Registry,
): RequestChange[] {
  const several = b.outputs.length > 1;
  const out: RequestChange[] = [];
  for (const o of b.outputs) {
    const was = a.outputs.find((x) => x.output === o.output);
    if (!was) continue;
    const diff = diffRequests(
      { input: was.input ?? was.partial ?? {}, endpoint: was.endpoint, sourceMap: was.sourceMap, document: before },
      { input: o.input ?? o.partial ?? {}, endpoint: o.endpoint, sourceMap: o.sourceMap, document: after },
      registry,
    );
    for (const c of diff.changes) out.push(several ? { ...c, text: `${o.output}: ${c.text}` } : c);
  }
  return out;
}
