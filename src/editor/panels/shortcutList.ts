/**
 * The keyboard help's rows. Only the help overlay (a lazy part) reads them, so they are not in
 * the first load's script with the handlers (docs/codebase.md#the-first-load).
 */
export interface Shortcut {
  keys: string;
  action: string;
  group: "Add & connect" | "Edit" | "View" | "File & run";
}

/** One group's rows of the help, each `[keys, action]`. */
function group(name: Shortcut["group"], rows: [keys: string, action: string][]): Shortcut[] {
  return rows.map(([keys, action]) => ({ group: name, keys, action }));
}

/**
 * Shown by the help overlay; the handlers (`src/editor/shortcuts.ts`, RunShell's Ctrl+Enter,
 * xyflow's mouse) are the source of truth for behaviour.
 */
export const SHORTCUTS: readonly Shortcut[] = [
  ...group("Add & connect", [
    ["Space / Tab / double-click", "Add a node (search)"],
    [
      "Drag a node onto a wire",
      "Put it into the wire when it fits (a LoRA into a model wire); Space with a wire selected does too",
    ],
    ["Drag from a port", "Wire it; drop on empty canvas to add a node that fits"],
    ["Drag a wire's end", "Reconnect the wire to another port"],
    ["Double-click a wire", "Add a reroute point there (the wire's menu: Add reroute point); drag it to bend the wire"],
  ]),
  ...group("Edit", [
    ["Ctrl+Z", "Undo"],
    ["Ctrl+Shift+Z / Ctrl+Y", "Redo"],
    ["Ctrl+C / Ctrl+X / Ctrl+V", "Copy / cut / paste nodes at the cursor (works across tabs)"],
    ["Ctrl+D", "Duplicate selection"],
    ["Delete / Backspace", "Delete the selected nodes and wires, reroute point or group (a group's nodes stay)"],
    ["Ctrl+B", "Bypass / enable selection"],
    ["Ctrl+A", "Select all"],
    ["F2", "Rename the selected node"],
    ["Alt+C", "Collapse / expand the selected nodes (the ▾ on a title bar too)"],
    ["I", "Explain the selected node (in the inspector)"],
    ["Shift+F10 / Menu", "Open the menu of the selection (right-click does too)"],
    ["Shift+drag", "Box select"],
    ["Ctrl+G", "Make a component of the selected nodes"],
    ["Ctrl+Shift+G", "Group the selected nodes in a titled frame; drag its title to move them together"],
    ["Tab / double-click", "Open the selected component; Esc goes back out"],
    ["Double-click a title", "Rename the node or group"],
  ]),
  ...group("View", [
    ["F", "Fit the pipeline in view"],
    ["Ctrl+Shift+L", "Auto-layout"],
    ["Scroll / drag the canvas", "Zoom / pan"],
    ["Esc", "Close dialogs, clear selection"],
    ["?", "This help"],
  ]),
  ...group("File & run", [
    ["Ctrl+Enter", "Run the pipeline on fal (also from a text field)"],
    ["Ctrl+S", "Save where the pipeline lives (its workspace file or library entry); asks for a name the first time"],
    ["Ctrl+Shift+S", "Save as… a new name, which the pipeline then has"],
    ["Ctrl+Alt+S", "Download the pipeline as a JSON file"],
    ["Ctrl+O", "Open a workflow file"],
  ]),
];
