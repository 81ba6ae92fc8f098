/**
 * Component versions on the canvas (docs/components.md#versions): the state that opens the publish
 * and update dialogs. The dialogs themselves (VersionDialogs.tsx) load on first open and are
 * fetched once the page is idle (docs/codebase.md#the-first-load); the mark on an instance
 * (UpdateMark.tsx) is drawn with the node views.
 */
import { Suspense } from "react";
import { lazyPart, whenIdle } from "../lazy";
import { definePart, type Editor } from "../store/editor";
import { useEditorInstance, usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";

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
