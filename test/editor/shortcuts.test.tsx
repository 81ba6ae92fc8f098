// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEditor, counterIds, type Editor, type EditorStore } from "../../src/editor/store";
import { installShortcuts, isEditable } from "../../src/editor/shortcuts";
import type { Ui } from "../../src/editor/store/ui";
import { stubRegistry } from "./stubRegistry";

let store: EditorStore;
let ui: Ui;
let editor: Editor;
let off: () => void;
const actions = {
  openPalette: vi.fn(),
  save: vi.fn(),
  saveAs: vi.fn(),
  download: vi.fn(),
  open: vi.fn(),
  layout: vi.fn(),
  fitView: vi.fn(),
  toFlow: (p: { x: number; y: number }) => p,
  openMenu: vi.fn(),
  rename: vi.fn(),
  explain: vi.fn(),
  makeComponent: vi.fn(),
  enter: vi.fn((id: string) => id === "instance"),
  leave: vi.fn(() => false),
  group: vi.fn(),
  canvasItem: vi.fn((_action: "delete" | "deselect") => false),
  pasteImage: vi.fn(),
};

beforeEach(() => {
  editor = createEditor({ registry: stubRegistry, makeId: counterIds() });
  ({ store, ui } = editor);
  off = installShortcuts(editor, actions);
});
afterEach(() => {
  off();
  document.body.innerHTML = "";
});

const key = (target: EventTarget, k: string, mods: Partial<KeyboardEventInit> = {}) =>
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...mods }));

describe("keyboard shortcuts", () => {
  it("Ctrl+Shift+G groups, Ctrl+G still makes a component; Delete and Esc act on a selected canvas item first", () => {
    key(document.body, "G", { ctrlKey: true, shiftKey: true });
    expect(actions.group).toHaveBeenCalledTimes(1);
    expect(actions.makeComponent).not.toHaveBeenCalled();
    key(document.body, "g", { ctrlKey: true });
    expect(actions.makeComponent).toHaveBeenCalledTimes(1);
    expect(actions.group).toHaveBeenCalledTimes(1);
    store.addNode("note", { x: 0, y: 0 });
    actions.canvasItem.mockReturnValueOnce(true);
    key(document.body, "Delete");
    expect(actions.canvasItem).toHaveBeenLastCalledWith("delete");
    expect(store.getState().document.nodes).toHaveLength(1);
    key(document.body, "Delete");
    expect(store.getState().document.nodes).toHaveLength(0);
    key(document.body, "Escape");
    expect(actions.canvasItem).toHaveBeenLastCalledWith("deselect");
    for (const fn of [actions.group, actions.makeComponent, actions.canvasItem]) fn.mockClear();
  });

  it("Ctrl+Z / Ctrl+Shift+Z undo and redo the graph", () => {
    store.addNode("note", { x: 0, y: 0 });
    key(document.body, "z", { ctrlKey: true });
    expect(store.getState().document.nodes).toHaveLength(0);
    key(document.body, "Z", { ctrlKey: true, shiftKey: true });
    expect(store.getState().document.nodes).toHaveLength(1);
  });

  it("F2 renames, I explains the one selected node; Shift+F10 and the Menu key open its menu", () => {
    const a = store.addNode("lora", { x: 0, y: 0 });
    key(document.body, "F2");
    expect(actions.rename).toHaveBeenLastCalledWith(a);
    key(document.body, "i");
    expect(actions.explain).toHaveBeenLastCalledWith(a);
    key(document.body, "F10", { shiftKey: true });
    key(document.body, "ContextMenu");
    expect(actions.openMenu).toHaveBeenCalledTimes(2);
    store.setSelection({ nodes: [] });
    key(document.body, "F2");
    expect(actions.rename).toHaveBeenCalledTimes(1);
  });

  it("Ctrl+Z inside a text field is left to the field (the graph is untouched)", () => {
    store.addNode("note", { x: 0, y: 0 });
    const ta = document.createElement("textarea");
    document.body.append(ta);
    const notPrevented = key(ta, "z", { ctrlKey: true });
    expect(notPrevented).toBe(true);
    expect(store.getState().document.nodes).toHaveLength(1);
  });

  it("Delete removes the selection, Ctrl+B bypasses it, Ctrl+D duplicates it, Ctrl+A selects all", () => {
    const a = store.addNode("lora", { x: 0, y: 0 });
    key(document.body, "b", { ctrlKey: true });
    expect(store.getState().document.nodes[0].bypass).toBe(true);
    key(document.body, "d", { ctrlKey: true });
    expect(store.getState().document.nodes).toHaveLength(2);
    key(document.body, "a", { ctrlKey: true });
    expect(store.getState().selection.nodes).toHaveLength(2);
    key(document.body, "Delete");
    expect(store.getState().document.nodes).toHaveLength(0);
    expect(a).toBeTruthy();
  });

  it("Space opens the palette, ? toggles help, Ctrl+S saves", () => {
    key(document.body, " ");
    expect(actions.openPalette).toHaveBeenCalled();
    key(document.body, "?");
    expect(ui.get().help).toBe(true);
    key(document.body, "Escape");
    expect(ui.get().help).toBe(false);
    key(document.body, "s", { ctrlKey: true });
    expect(actions.save).toHaveBeenCalled();
  });

  it("Ctrl+Shift+S is Save as…, Ctrl+Alt+S downloads, and both work from a text field", () => {
    const field = document.body.appendChild(document.createElement("textarea"));
    vi.mocked(actions.save).mockClear();
    key(field, "S", { ctrlKey: true, shiftKey: true, code: "KeyS" });
    expect(actions.saveAs).toHaveBeenCalledTimes(1);
    key(field, "s", { ctrlKey: true, altKey: true, code: "KeyS" });
    expect(actions.download).toHaveBeenCalledTimes(1);
    key(field, "s", { ctrlKey: true, code: "KeyS" });
    expect(actions.save).toHaveBeenCalledTimes(1);
  });

  it("Ctrl+G makes a component; Tab opens a selected instance, else the palette; Esc with nothing selected leaves", () => {
    key(document.body, "g", { ctrlKey: true });
    expect(actions.makeComponent).toHaveBeenCalledTimes(1);
    const open = vi.mocked(actions.openPalette);
    open.mockClear();
    store.setSelection({ nodes: ["instance"] });
    key(document.body, "Tab");
    expect(actions.enter).toHaveBeenCalledWith("instance");
    expect(open).not.toHaveBeenCalled();
    store.setSelection({ nodes: ["plain"] });
    key(document.body, "Tab");
    expect(open).toHaveBeenCalledTimes(1);
    // The first Esc clears the selection; the next one leaves the component.
    vi.mocked(actions.leave).mockClear();
    key(document.body, "Escape");
    expect(actions.leave).not.toHaveBeenCalled();
    expect(store.getState().selection.nodes).toEqual([]);
    key(document.body, "Escape");
    expect(actions.leave).toHaveBeenCalledTimes(1);
  });

  it("isEditable knows text inputs from buttons and checkboxes", () => {
    const make = (tag: string, type?: string) => {
      const el = document.createElement(tag);
      if (type) (el as HTMLInputElement).type = type;
      return el;
    };
    expect(isEditable(make("input", "text"))).toBe(true);
    expect(isEditable(make("textarea"))).toBe(true);
    expect(isEditable(make("input", "checkbox"))).toBe(false);
    expect(isEditable(make("button"))).toBe(false);
  });
});

describe("help overlay", () => {
  it("lists every shortcut a user looks for, Run included", async () => {
    const { render, screen, cleanup, act } = await import("@testing-library/react");
    const { HelpOverlay } = await import("../../src/editor/panels/HelpOverlay");
    const { EditorProvider } = await import("../../src/editor/store/react");
    render(
      <EditorProvider editor={editor}>
        <HelpOverlay />
      </EditorProvider>,
    );
    act(() => ui.set({ help: true }));
    const text = screen.getByRole("dialog", { name: "Keyboard shortcuts" }).textContent ?? "";
    for (const k of [
      "Ctrl+Enter",
      "Ctrl+B",
      "Ctrl+D",
      "Ctrl+C",
      "Ctrl+V",
      "Delete",
      "Backspace",
      "Ctrl+Z",
      "Ctrl+Shift+Z",
      "Space",
      "Tab",
      "Ctrl+S",
      "Ctrl+O",
      "F",
      "Esc",
      "?",
    ])
      expect(text, k).toContain(k);
    expect(text).toMatch(/Run the pipeline/);
    expect(text).toMatch(/Delete the selected nodes and wires/);
    act(() => ui.set({ help: false }));
    cleanup();
  });
});
