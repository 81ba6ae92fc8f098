/**
 * Component versions on the canvas (docs/components.md#versions): the mark on an instance whose
 * component has a newer version in the library, and the state that opens the publish and update
 * dialogs. The dialogs themselves (VersionDialogs.tsx) load on first open and are fetched once the
 * page is idle (docs/codebase.md#the-first-load).
 */
import { Suspense, useMemo } from "react";
import { instanceRef, type WorkflowNode } from "../../graph";
import { lazyPart, whenIdle } from "../lazy";
import { definePart, type Editor } from "../store/editor";
import { useEditor, useEditorInstance, usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import { useWorkspace } from "../library/workspace";
import { definitionOf } from "../store/scope";
import { availableUpdate } from "./updateOffer";

export interface VersionUiState {
  /** The definition key the publish dialog is for. */
  publish: string | null;
  /** The pipeline instance the update dialog is for. */
  update: string | null;
}

const versionPart = definePart("componentVersionsUi", (): UiStore<VersionUiState> =>
  createUiStore({ publish: null, update: null }),
);
const versionUiOf = (editor: Editor) => editor.part(versionPart);

export const startPublish = (editor: Editor, key: string) => versionUiOf(editor).set({ publish: key });
export const startUpdate = (editor: Editor, instanceId: string) => versionUiOf(editor).set({ update: instanceId });

/** Whether the node of the canvas's view is an instance whose component has a newer library version. */
export function hasUpdate(editor: Editor, id: string): boolean {
  const { scope, document } = editor.store.getState();
  const inside = scope.at(-1)?.key;
  const nodes = inside ? (definitionOf(document, inside)?.nodes ?? []) : document.nodes;
  const node = nodes.find((n) => n.id === id);
  return !!node && !!availableUpdate(editor, node);
}

const Dialogs = lazyPart(() => import("./VersionDialogs"));
whenIdle(() => Dialogs.preload());

export function VersionDialogs() {
  const editor = useEditorInstance();
  const ui = useUiStore(usePart(versionPart), (s) => s);
  if (!ui.publish && !ui.update) return null;
  return (
    <Suspense fallback={null}>
      <Dialogs ui={ui} close={(which) => versionUiOf(editor).set({ [which]: null })} />
    </Suspense>
  );
}

/**
 * On an instance, at any depth: the offer to update when the library has a newer version of its
 * component, and a mark when the pipeline's copy of its version was changed since it was
 * published (its hash is not the library's for that version), with the way to publish it.
 */
export function UpdateMark({ node }: { node: WorkflowNode }) {
  const editor = useEditorInstance();
  const ref = instanceRef(node);
  const def = useEditor((s) => (ref ? definitionOf(s.document, ref.key) : undefined));
  const items = useWorkspace((w) => w.components);
  const published = useWorkspace((w) => (ref ? w.componentHashes[ref.key] : undefined));
  const offer = useMemo(
    () => (ref ? availableUpdate(editor, node) : undefined),
    // `items` is what availableUpdate reads: a change in the library re-checks the offer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [editor, node.type, items],
  );
  const edited = !!def && published !== undefined && published !== def.hash;
  if (!ref || (!offer && !edited)) return null;
  return (
    <>
      {edited && (
        <div className="instance-update edited nodrag" data-testid="edited-mark">
          <span
            className="grow"
            title={`This pipeline’s copy of ${def.title} ${ref.version} differs from the library’s. Publish it as a new version to share the change, or detach this instance to keep it here only.`}
          >
            edited since v{ref.version}
          </span>
          <button type="button" className="btn small" onClick={() => startPublish(editor, ref.key)}>
            Publish…
          </button>
        </div>
      )}
      {offer && (
        <div className="instance-update nodrag" data-testid="update-mark">
          <span className="grow" title={`The library (${offer.item.file}) has a newer version of this component`}>
            v{offer.from} → v{offer.to} available
          </span>
          <button type="button" className="btn small" onClick={() => startUpdate(editor, node.id)}>
            Update…
          </button>
        </div>
      )}
    </>
  );
}
