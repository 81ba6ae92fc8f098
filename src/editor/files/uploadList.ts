/**
 * The list of uploads under way, which the canvas shows (Uploads.tsx). Apart from the uploading
 * itself (upload.ts), which loads with the first drop of a file (docs/codebase.md#the-first-load).
 */
import { definePart, type Editor } from "../store/editor";
import { createUiStore, type UiStore } from "../store/uiStore";

export interface Upload {
  id: number;
  name: string;
  total: number;
  sent: number;
  cancel: () => void;
}

export const uploadsPart = definePart("uploads", () => ({
  store: createUiStore<{ list: Upload[] }>({ list: [] }),
  next: 1,
}));

export const uploadsOf = (editor: Editor): UiStore<{ list: Upload[] }> => editor.part(uploadsPart).store;
