/**
 * Component commands behind a menu or the inspector (docs/components.md#the-editor), with what
 * they need (./commands.ts, the graph's extract): they load with the canvas menu and one node's
 * inspector, not on the first load (docs/codebase.md#the-first-load).
 */
import type { MenuItem } from "../kit/Menu";
import type { Editor } from "../store/editor";
import { isPortStandIn } from "../store/scope";
import { detachInstance, exposeField, unexposeField } from "./commands";
import { instanceKey, openInstance, startMakeComponent } from "./ui";
import { startPublish, startUpdate } from "./versionUi";
import { hasUpdate } from "./updateOffer";

export function detach(editor: Editor, id: string): void {
  const r = detachInstance(editor.store, id);
  if (!r.ok) editor.ui.toast(`Cannot detach: ${r.reason}`, "error");
  else editor.ui.toast(`Detached: this node now has its own component, ${r.id}`, "info");
}

export function expose(editor: Editor, nodeId: string, field: string): void {
  const r = exposeField(editor.store, nodeId, field);
  if (!r.ok) editor.ui.toast(`Cannot expose it: ${r.reason}`, "error");
}

/** Stops showing an exposed field on a component's instances, saying why when it cannot. */
export function unexpose(editor: Editor, key: string, paramId: string): void {
  const r = unexposeField(editor.store, key, paramId);
  if (!r.ok) editor.ui.toast(`Not done: ${r.reason}`, "error", 8000);
}

/** The node menu's component commands: make one of the selection; open or detach an instance. */
export function componentMenuItems(editor: Editor, ids: readonly string[]): MenuItem[] {
  const { view } = editor.store.getState();
  const own = ids.filter((id) => view.nodes.some((n) => n.id === id && !isPortStandIn(n)));
  if (!own.length) return [];
  const items: MenuItem[] = [
    { id: "make-component", label: "Make component…", keys: "Ctrl+G", run: () => startMakeComponent(editor, own) },
  ];
  const key = own.length === 1 ? instanceKey(editor, own[0]) : undefined;
  if (key)
    items.unshift(
      { id: "open-component", label: "Open component", keys: "Tab", run: () => void openInstance(editor, own[0]) },
      { id: "detach-component", label: "Detach (own copy)", run: () => detach(editor, own[0]) },
      { id: "publish-component", label: "Publish to library…", run: () => startPublish(editor, key) },
      ...(hasUpdate(editor, own[0])
        ? [{ id: "update-component", label: "Update from library…", run: () => startUpdate(editor, own[0]) }]
        : []),
    );
  return items;
}
