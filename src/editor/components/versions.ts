/**
 * Publishing a component to the library and updating instances to the library's version
 * (docs/components.md#versions). Plans are pure reads of the editor; `publish` writes the file
 * first and changes the pipeline only once the write succeeded, each change one undo step.
 */
import {
  componentKey,
  instanceRef,
  usedComponents,
  type ComponentDefinition,
  type WorkflowDocument,
  type WorkflowNode,
} from "../../graph";
import { compareVersions } from "../../graph/semver";
import {
  BUMP_MEANING,
  bumpBetween,
  bumpVersion,
  renumberComponent,
  updateInstances,
  type DroppedOverride,
  type VersionBump,
} from "../../graph/componentEdits";
import { describeComponentChange, withDefinition, type ComponentChange } from "../../teach/componentDiff";

export type { ComponentChange };
import type { Editor } from "../store/editor";
import { definitionOf, type Scope } from "../store/scope";
import { workspaceOf } from "../library/workspace";
import { refreshComponents } from "../library/workspaceActions";
import type { LibraryComponent } from "../library/libraryComponents";
import { availableUpdate, libraryItem } from "./updateOffer";

export { BUMP_MEANING };

export type PublishPlan =
  | { kind: "missing"; reason: string }
  | { kind: "new"; def: ComponentDefinition; where: string }
  | { kind: "same"; def: ComponentDefinition; library: LibraryComponent }
  | {
      kind: "changed";
      def: ComponentDefinition;
      library: LibraryComponent;
      change: ComponentChange;
      where: string;
      /** The pipeline's copy is older than the library's newest: publishing replaces what came between. */
      behind: boolean;
    };

const whereWords = (editor: Editor) =>
  workspaceOf(editor).get().library?.where === "workspace" ? "the workspace’s components/ folder" : "this browser";

/** What publishing the pipeline's definition `key` would do, against the library's newest version. */
export function planPublish(editor: Editor, key: string): PublishPlan {
  const { document } = editor.store.getState();
  const def = definitionOf(document, key);
  if (!def) return { kind: "missing", reason: `the pipeline does not carry component ${key}` };
  if (!workspaceOf(editor).get().library) return { kind: "missing", reason: "the library is not ready yet" };
  const library = libraryItem(editor, def.id);
  if (!library) return { kind: "new", def, where: whereWords(editor) };
  const before = withDefinition(document, key, library.definition, library.uses);
  const change = describeComponentChange(library.definition, def, before, document, editor.registry, (d) =>
    editor.engine.compiled(d),
  );
  if (change.same) return { kind: "same", def, library };
  const behind = compareVersions(def.version, library.definition.version) < 0;
  return { kind: "changed", def, library, change, where: whereWords(editor), behind };
}

/** The version a publish writes: the pipeline's own when the library lacks the id, else the library's bumped. */
export function publishVersion(plan: PublishPlan, bump: VersionBump): string | undefined {
  if (plan.kind === "new") return plan.def.version;
  if (plan.kind === "changed") return bumpVersion(plan.library.definition.version, bump);
  return undefined;
}

/**
 * Writes the definition to the library under `version`; then, when that is a new number, the
 * pipeline's definition and its instances take it (one undo step), so the pipeline shows no
 * update offer for its own edit.
 */
export async function publish(
  editor: Editor,
  key: string,
  version: string,
): Promise<{ ok: true; file: string } | { ok: false; reason: string }> {
  const ws = workspaceOf(editor);
  const library = ws.get().library;
  const { document } = editor.store.getState();
  const def = definitionOf(document, key);
  if (!library || !def) return { ok: false, reason: "there is nothing to publish" };
  const renumbered = renumberComponent(document, key, version);
  const published = definitionOf(renumbered, componentKey(def.id, version))!;
  const uses = usedComponents(published.nodes, renumbered.components ?? []) ?? [];
  let r;
  try {
    r = await library.publish({ definition: published, uses });
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (!r.ok) return r;
  if (renumbered !== document) {
    const newKey = componentKey(def.id, version);
    commitDocument(editor, `Publish ${def.title} ${version}`, renumbered, (s) =>
      s.map((step) => (step.key === key ? { ...step, key: newKey } : step)),
    );
  }
  await refreshComponents(ws);
  return r;
}

/**
 * One undo step that replaces the pipeline's nodes and definitions, wherever the canvas is: it
 * steps out to the pipeline for the change, then back in along `scope` (renamed keys mapped).
 */
function commitDocument(
  editor: Editor,
  label: string,
  doc: WorkflowDocument,
  mapScope: (s: Scope) => Scope = (s) => s,
) {
  const { store } = editor;
  const { scope, selection } = store.getState();
  if (scope.length) store.setScope([]);
  store.applyChange(label, { nodes: doc.nodes, edges: doc.edges, components: doc.components ?? [] });
  if (scope.length) store.setScope(mapScope(scope), selection);
}

export interface UpdatePlan {
  instance: string;
  fromKey: string;
  from: ComponentDefinition;
  to: LibraryComponent;
  bump: VersionBump;
  /** Major: only this instance moves, the others keep the old version until updated themselves. */
  major: boolean;
  /** Instances that move, this one included. */
  instances: string[];
  /** Instances, in the pipeline and inside definitions, that stay on the old version (a major update). */
  staying: number;
  dropped: DroppedOverride[];
  /** The pipeline's copy was changed here since its version was published: updating replaces that. */
  editedHere: boolean;
  change: ComponentChange;
  after: WorkflowDocument;
}

/** Whether the library has this version with other content (it was edited in this pipeline since). */
export function editedSincePublished(editor: Editor, def: ComponentDefinition): boolean {
  const published = workspaceOf(editor).get().componentHashes[componentKey(def.id, def.version)];
  return published !== undefined && published !== def.hash;
}

/**
 * The node `id` of the canvas's view, and how `updateInstances` names it: the pipeline's own,
 * or one inside the definition the canvas is in (`key › id`).
 */
export function viewInstance(editor: Editor, id: string): { node: WorkflowNode; where: string } | undefined {
  const { document, scope } = editor.store.getState();
  const inside = scope.at(-1)?.key;
  const nodes = inside ? (definitionOf(document, inside)?.nodes ?? []) : document.nodes;
  const node = nodes.find((n) => n.id === id);
  return node && { node, where: inside ? `${inside} › ${id}` : id };
}

/** What Update on `instanceId` (a node of the canvas's view) would do. */
export function planUpdate(editor: Editor, instanceId: string): UpdatePlan | { reason: string } {
  const { document } = editor.store.getState();
  const found = viewInstance(editor, instanceId);
  const ref = found && instanceRef(found.node);
  const from = ref && definitionOf(document, ref.key);
  const offer = found && availableUpdate(editor, found.node);
  if (!found || !ref || !from || !offer) return { reason: "this node has no newer version in the library" };
  const bump = bumpBetween(offer.from, offer.to);
  const major = bump === "major";
  const r = updateInstances(
    document,
    ref.key,
    offer.item.definition,
    offer.item.uses,
    major ? [found.where] : undefined,
  );
  const change = describeComponentChange(from, offer.item.definition, document, r.document, editor.registry, (d) =>
    editor.engine.compiled(d),
  );
  return {
    instance: instanceId,
    fromKey: ref.key,
    from,
    to: offer.item,
    bump,
    major,
    instances: r.updated,
    staying: [r.document.nodes, ...(r.document.components ?? []).map((c) => c.nodes)]
      .flat()
      .filter((n) => instanceRef(n)?.key === ref.key).length,
    dropped: r.dropped,
    editedHere: editedSincePublished(editor, from),
    change,
    after: r.document,
  };
}

/** Update on `instanceId`, planned again on the pipeline as it is now, in one undo step. */
export function applyUpdate(editor: Editor, instanceId: string): UpdatePlan | { reason: string } {
  const plan = planUpdate(editor, instanceId);
  if ("reason" in plan) return plan;
  commitDocument(editor, `Update ${plan.from.title} to ${plan.to.definition.version}`, plan.after);
  return plan;
}
