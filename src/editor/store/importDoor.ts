/**
 * The import door (import/door.ts) sits above the folders that reach it: the paste shortcut, a
 * drop on the canvas, a drop on the page. They call `openImport` here, and the app says what opens
 * the door when it makes the editor (main.tsx, loading the door on demand), so none of them
 * imports upward (docs/architecture.md#editor-folders).
 */
import { definePart, type Editor } from "./editor";

export type ImportSource = { text: string } | { file: File };
/** Imports `source` into the editor and tells the user how it went. */
export type ImportDoor = (source: ImportSource) => Promise<void>;

const importDoorPart = definePart("importDoor", () => ({ open: null as ImportDoor | null }));

/** Says what opens this editor's import door. */
export function provideImportDoor(editor: Editor, open: ImportDoor): void {
  editor.part(importDoorPart).open = open;
}

/** Rejects only when the door cannot be reached (no door given, or its code failed to load). */
export function openImport(editor: Editor, source: ImportSource): Promise<void> {
  const open = editor.part(importDoorPart).open;
  return open ? open(source) : Promise.reject(new Error("this editor has no import door"));
}
