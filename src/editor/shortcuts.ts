import type { Editor } from "./store";
import { definePart } from "./store/editor";
import { sayRefusal } from "./store/ui";
import { openImport } from "./store/importDoor";

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
  saveAs(): void;
  download(): void;
  open(): void;
  layout(): void;
  fitView(): void;
  /** The context menu of the selection (the canvas's when nothing is selected). */
  openMenu(): void;
  rename(nodeId: string): void;
  explain(nodeId: string): void;
  /** A point on the screen in canvas (flow) coordinates. */
  toFlow(p: { x: number; y: number }): { x: number; y: number };
  /** Ctrl+G: the make-component dialog for the selection. */
  makeComponent(): void;
  /** Tab on one selected node: opens it when it is a component instance (true), else the palette opens. */
  enter(nodeId: string): boolean;
  /** Esc with nothing selected: out of the component the canvas is in (false at the top). */
  leave(): boolean;
  /** Ctrl+Shift+G: a group framing the selected nodes. */
  group(): void;
  /**
   * The canvas's own selection, outside the document's (a reroute point, a group): Delete removes
   * it and Escape deselects it. True when there was one.
   */
  canvasItem(action: "delete" | "deselect"): boolean;
  /** A pasted image, through the canvas's drop rules, as a new node at `place()` (canvas coordinates). */
  pasteImage(file: File, place: () => { x: number; y: number }): void;
}

/** lora-graph's clipboard or workflow format, as `store.copy()` and Save write them. */
const OUR_CLIPBOARD = /"format"\s*:\s*"lora-graph\/(clipboard|workflow)"/;

/** The last nodes copied in this editor: the menu's Paste uses them when the clipboard cannot be read. */
const lastCopyPart = definePart("lastCopy", () => ({ text: null as string | null }));

/**
 * Pastes nodes at `at` from the system clipboard (the context menu's Paste). Reading it needs the
 * page to be allowed to; when it is not, or it holds something else, the nodes last copied here
 * are pasted instead.
 */
export async function pasteFromClipboard(editor: Editor, at?: { x: number; y: number }): Promise<void> {
  let text: string | null = null;
  try {
    text = await navigator.clipboard.readText();
  } catch {
    // Refused or unsupported: fall back below.
  }
  if (!text || !OUR_CLIPBOARD.test(text.slice(0, 4096))) text = editor.part(lastCopyPart).text;
  if (!text) return editor.ui.toast("Nothing to paste: copy nodes first (Ctrl+C)", "info");
  pasteNodes(editor, text, at);
}

/** Pastes our own nodes; the reader may still be loading, so the outcome is told when it is done. */
function pasteNodes(editor: Editor, text: string, at?: { x: number; y: number }) {
  const { ui } = editor;
  editor.store.paste(text, at).then(
    (r) => {
      if (!r.ok) ui.toast(r.error, "error");
      else if (r.warnings.length)
        ui.toast(
          `Pasted ${r.nodeIds.length} node${r.nodeIds.length > 1 ? "s" : ""}; ${r.warnings.length} item${r.warnings.length > 1 ? "s" : ""} skipped: ${r.warnings[0]}`,
          "info",
          7000,
        );
    },
    (e: unknown) => ui.toast(`Not pasted: the paste code could not be loaded (${(e as Error).message})`, "error"),
  );
}

/** An image from the clipboard, at the cursor (else mid-canvas), through the canvas's drop rules. */
function pasteImage(file: File, cursor: { x: number; y: number } | null, actions: ShortcutActions): void {
  const pane = document.querySelector(".canvas .react-flow")?.getBoundingClientRect();
  const screen = cursor ?? (pane ? { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 } : { x: 0, y: 0 });
  // The store moves a new node clear of the others (docs/codebase.md#placing-new-nodes).
  actions.pasteImage(file, () => actions.toFlow(screen));
}

/** Installs keyboard and clipboard handlers on the window; returns the uninstaller. */
export function installShortcuts(editor: Editor, actions: ShortcutActions): () => void {
  const { store, ui } = editor;
  // Where the pointer last was over the canvas: paste goes there (null once it left the canvas).
  let cursor: { x: number; y: number } | null = null;
  const onPointer = (e: PointerEvent) => {
    const over = (e.target as Element | null)?.closest?.(".canvas .react-flow");
    cursor = over ? { x: e.clientX, y: e.clientY } : null;
  };
  const onKey = (e: KeyboardEvent) => {
    const overlay = ui.get();
    if (overlay.palette || overlay.importOpen) return;
    // Saving works from a text field too: the browser's own Ctrl+S (save the page) is never wanted.
    if ((e.ctrlKey || e.metaKey) && (e.code === "KeyS" || e.key.toLowerCase() === "s")) {
      e.preventDefault();
      if (e.altKey) actions.download();
      else if (e.shiftKey) actions.saveAs();
      else actions.save();
      return;
    }
    // An open dialog owns the keyboard: Delete or Ctrl+Z pressed in it (or with the focus lost
    // behind it) must not change the graph the user cannot see. Escape is the dialog's own.
    if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
    if (e.key === "Escape") {
      if (overlay.help) return ui.set({ help: false });
      if (isEditable(e.target)) return;
      if (actions.canvasItem("deselect")) return;
      const { nodes, edges } = store.getState().selection;
      if (nodes.length || edges.length || !actions.leave()) store.setSelection({ nodes: [], edges: [] });
      return;
    }
    if (isEditable(e.target)) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    const sel = store.getState().selection.nodes;
    const one = sel.length === 1 ? sel[0] : undefined;
    let handled = true;
    if (mod && k === "z" && !e.shiftKey) store.undo();
    else if (mod && ((k === "z" && e.shiftKey) || k === "y")) store.redo();
    else if (mod && k === "d") store.duplicate();
    else if (mod && k === "a") store.selectAll();
    else if (mod && k === "b") store.toggleBypass();
    else if (mod && k === "o") actions.open();
    else if (mod && e.shiftKey && k === "l") actions.layout();
    else if (!mod && (e.key === "Delete" || e.key === "Backspace"))
      void (actions.canvasItem("delete") || sayRefusal(ui, store.removeSelection()));
    else if (mod && !e.shiftKey && k === "g") actions.makeComponent();
    else if (mod && e.shiftKey && k === "g") actions.group();
    else if (!mod && !e.altKey && !e.shiftKey && e.key === "Tab" && one && actions.enter(one)) handled = true;
    else if (!mod && !e.altKey && (e.key === " " || e.key === "Tab")) actions.openPalette();
    else if (!mod && e.key === "?") ui.set({ help: !overlay.help });
    else if (!mod && !e.altKey && k === "f") actions.fitView();
    else if ((e.shiftKey && e.key === "F10") || e.key === "ContextMenu") actions.openMenu();
    else if (!mod && e.key === "F2" && one) actions.rename(one);
    else if (!mod && e.altKey && e.code === "KeyC") store.toggleCollapsed();
    else if (!mod && !e.altKey && k === "i" && one) actions.explain(one);
    else handled = false;
    if (handled) e.preventDefault();
  };
  // Clipboard events rather than navigator.clipboard: they work without a permission prompt.
  const onCopy = (e: ClipboardEvent) => {
    if (isEditable(e.target) || !e.clipboardData) return;
    const text = store.copy();
    if (!text) return;
    e.clipboardData.setData("text/plain", text);
    editor.part(lastCopyPart).text = text;
    e.preventDefault();
    if (e.type === "cut") sayRefusal(editor.ui, store.removeSelection());
  };
  const onPaste = (e: ClipboardEvent) => {
    if (isEditable(e.target) || !e.clipboardData) return;
    const text = e.clipboardData.getData("text/plain");
    const file = e.clipboardData.files?.[0];
    // Our own nodes paste into the graph; anything else (a request, A1111 text, a ComfyUI file, an
    // image) goes through the import door, loaded on demand.
    if (text && OUR_CLIPBOARD.test(text.slice(0, 4096))) {
      e.preventDefault();
      return pasteNodes(editor, text, cursor ? actions.toFlow(cursor) : undefined);
    }
    if (!text && !file) return;
    e.preventDefault();
    // A pasted image becomes an Image node (or opens what it carries, if the user says so).
    if (file && file.type.startsWith("image/")) return pasteImage(file, cursor, actions);
    openImport(editor, text ? { text } : { file: file! }).catch((err: unknown) =>
      ui.toast(`The pasted content could not be imported: ${(err as Error).message}`, "error"),
    );
  };
  window.addEventListener("keydown", onKey);
  window.addEventListener("copy", onCopy);
  window.addEventListener("cut", onCopy);
  window.addEventListener("paste", onPaste);
  window.addEventListener("pointermove", onPointer, { passive: true });
  return () => {
    window.removeEventListener("pointermove", onPointer);
    window.removeEventListener("keydown", onKey);
    window.removeEventListener("copy", onCopy);
    window.removeEventListener("cut", onCopy);
    window.removeEventListener("paste", onPaste);
  };
}
