import type { EditorStore } from "./store";
import { ui } from "./store/ui";

export interface Shortcut {
  keys: string;
  action: string;
}

/** Shown by the help overlay; the handler below is the source of truth for behaviour. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: "Space / Tab / double-click", action: "Add a node (search)" },
  { keys: "Ctrl+Z", action: "Undo" },
  { keys: "Ctrl+Shift+Z / Ctrl+Y", action: "Redo" },
  { keys: "Ctrl+C / Ctrl+X / Ctrl+V", action: "Copy / cut / paste nodes (works across tabs)" },
  { keys: "Ctrl+D", action: "Duplicate selection" },
  { keys: "Delete / Backspace", action: "Delete selection" },
  { keys: "Ctrl+A", action: "Select all" },
  { keys: "Ctrl+B", action: "Bypass / enable selection" },
  { keys: "Shift+drag", action: "Box select" },
  { keys: "Ctrl+S", action: "Save (download JSON)" },
  { keys: "Ctrl+O", action: "Open a workflow file" },
  { keys: "Ctrl+Shift+L", action: "Auto-layout" },
  { keys: "F", action: "Fit view" },
  { keys: "Double-click a title", action: "Rename node" },
  { keys: "?", action: "This help" },
  { keys: "Esc", action: "Close dialogs, clear selection" },
];

/** Typing in a field keeps the browser's own behaviour (Ctrl+Z edits the text, not the graph). */
export function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  if (el.tagName === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "range", "button", "submit", "file"].includes(type);
  }
  return false;
}

export interface ShortcutActions {
  openPalette(): void;
  save(): void;
  open(): void;
  layout(): void;
  fitView(): void;
}

/** Installs keyboard and clipboard handlers on the window; returns the uninstaller. */
export function installShortcuts(store: EditorStore, actions: ShortcutActions): () => void {
  const onKey = (e: KeyboardEvent) => {
    const overlay = ui.get();
    if (overlay.palette || overlay.importOpen) return;
    if (e.key === "Escape") {
      if (overlay.help) return ui.set({ help: false });
      if (!isEditable(e.target)) store.setSelection({ nodes: [], edges: [] });
      return;
    }
    if (isEditable(e.target)) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    let handled = true;
    if (mod && k === "z" && !e.shiftKey) store.undo();
    else if (mod && ((k === "z" && e.shiftKey) || k === "y")) store.redo();
    else if (mod && k === "d") store.duplicate();
    else if (mod && k === "a") store.selectAll();
    else if (mod && k === "b") store.toggleBypass();
    else if (mod && k === "s") actions.save();
    else if (mod && k === "o") actions.open();
    else if (mod && e.shiftKey && k === "l") actions.layout();
    else if (!mod && (e.key === "Delete" || e.key === "Backspace")) store.removeSelection();
    else if (!mod && !e.altKey && (e.key === " " || e.key === "Tab")) actions.openPalette();
    else if (!mod && e.key === "?") ui.set({ help: !overlay.help });
    else if (!mod && !e.altKey && k === "f") actions.fitView();
    else handled = false;
    if (handled) e.preventDefault();
  };
  // Clipboard events rather than navigator.clipboard: they work without a permission prompt.
  const onCopy = (e: ClipboardEvent) => {
    if (isEditable(e.target) || !e.clipboardData) return;
    const text = store.copy();
    if (!text) return;
    e.clipboardData.setData("text/plain", text);
    e.preventDefault();
    if (e.type === "cut") store.removeSelection();
  };
  const onPaste = (e: ClipboardEvent) => {
    if (isEditable(e.target) || !e.clipboardData) return;
    const text = e.clipboardData.getData("text/plain");
    if (!text) return;
    e.preventDefault();
    const r = store.paste(text);
    if (!r.ok) ui.toast(r.error, "error");
    else if (r.warnings.length) ui.toast(`Pasted ${r.nodeIds.length} node${r.nodeIds.length > 1 ? "s" : ""}; ${r.warnings.length} item${r.warnings.length > 1 ? "s" : ""} skipped: ${r.warnings[0]}`, "info", 7000);
  };
  window.addEventListener("keydown", onKey);
  window.addEventListener("copy", onCopy);
  window.addEventListener("cut", onCopy);
  window.addEventListener("paste", onPaste);
  return () => {
    window.removeEventListener("keydown", onKey);
    window.removeEventListener("copy", onCopy);
    window.removeEventListener("cut", onCopy);
    window.removeEventListener("paste", onPaste);
  };
}
