/**
 * The import door (import/door.ts) sits above the folders that reach it: the paste shortcut, a
 * drop on the canvas, a drop on the page. They call `openImport` here, and the app says what opens
 * the door when it makes the editor (main.tsx, loading the door on demand), so none of them
 * imports upward (docs/codebase.md#editor-folders).
 */
import { definePart, type Editor } from "./editor";
import { createUiStore, useUiStore } from "./uiStore";
import { useEditor } from "./react";

export type ImportSource = { text: string } | { file: File };
/** Imports `source` into the editor and tells the user how it went. */
export type ImportDoor = (source: ImportSource) => Promise<void>;

const importDoorPart = definePart("importDoor", () => ({
  open: null as ImportDoor | null,
  /** Fetches the door's code ahead of its first use. */
  warm: null as (() => Promise<unknown>) | null,
  /** The file being opened through the door, while it is read and checked (a big one takes seconds). */
  opening: createUiStore<{ file: string | null; epoch: number }>({ file: null, epoch: 0 }),
}));

/** From this size a file being opened is named over the canvas until it is in (or refused). */
const NAMED_FROM_BYTES = 256 * 1024;

/** Says what opens this editor's import door, and what fetches its code ahead (`warm`). */
export function provideImportDoor(editor: Editor, open: ImportDoor, warm?: () => Promise<unknown>): void {
  const part = editor.part(importDoorPart);
  part.open = open;
  part.warm = warm ?? null;
}

/**
 * Fetches the door's code now, e.g. while a file is dragged over the canvas: otherwise the drop
 * waits for it (and for the chunks it needs) before the file is even read.
 */
export function warmImportDoor(editor: Editor): void {
  void editor
    .part(importDoorPart)
    .warm?.()
    .catch(() => undefined);
}

/** Rejects only when the door cannot be reached (no door given, or its code failed to load). */
export function openImport(editor: Editor, source: ImportSource): Promise<void> {
  const { open } = editor.part(importDoorPart);
  if (!open) return Promise.reject(new Error("this editor has no import door"));
  return "file" in source ? whileOpening(editor, source.file, () => open(source)) : open(source);
}

/**
 * Runs `read` (opening `file`: the import door, the Open… picker) with a big file's name over the
 * canvas until it is done.
 */
export function whileOpening<T>(editor: Editor, file: Blob & { name?: string }, read: () => Promise<T>): Promise<T> {
  if (file.size < NAMED_FROM_BYTES) return read();
  const { opening } = editor.part(importDoorPart);
  opening.set({ file: file.name || "the file", epoch: editor.store.getState().epoch });
  return read().finally(() => opening.set({ file: null }));
}

/**
 * The name of the big file being opened through the import door, until it is read and checked
 * and its document replaces the graph (or it is refused): null otherwise.
 */
export function useOpeningFile(editor: Editor): string | null {
  const epoch = useEditor((s) => s.epoch);
  return useUiStore(editor.part(importDoorPart).opening, (s) => (s.epoch === epoch ? s.file : null));
}
