/**
 * What a file, an image or an image URL dropped (or pasted) on the canvas becomes
 * (docs/import-export.md, "Dropping files on the canvas"), loaded on demand:
 *
 * - a `.safetensors` file: its header is read from disk, the file uploaded to fal storage with
 *   progress and cancel, then a node that takes such files holds its URL (a LoRA, or an embedding
 *   when its tensors are token vectors), or the selected one of that type gets it;
 * - an image: uploaded, then an Image node holds it; dropped on an image input, that input is
 *   wired to it; dropped on a node's image field, the field gets it. An image that carries a
 *   workflow or generation data offers to open it instead (the import door);
 * - anything else goes to the import door.
 *
 * Which node type takes which file is its definition's `takesFile` hint: no type is named here.
 */
import type { FileKind, NodeDefinition, XY } from "../../graph";
import type { Editor } from "../store/editor";
import { openImport } from "../store/importDoor";
import { dialogsOf } from "../persistence/boot";
import { factsOf, readLocalHeader, rememberHeader } from "./headers";
import { uploadWithProgress } from "./upload";

/** Where the drop landed: a place for a new node, and what was under the pointer. */
export interface DropTarget {
  place(def: NodeDefinition): XY;
  nodeId?: string;
  /** An input port under the pointer. */
  port?: string;
  /** A param field under the pointer. */
  field?: string;
}

export type Dropped = { file: File } | { url: string };

const IMAGE_TYPES: Record<string, (b: Uint8Array) => boolean> = {
  png: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  webp: (b) => b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50,
  gif: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46,
};

const isImage = (head: Uint8Array) => Object.values(IMAGE_TYPES).some((t) => t(head));

/** The first type in palette order with a param taking `kind`, and that param. */
function takerOf(editor: Editor, kind: FileKind): { def: NodeDefinition; key: string } | undefined {
  for (const def of editor.registry.list()) {
    const key = Object.keys(def.params).find((k) => def.params[k].takesFile === kind);
    if (key) return { def, key };
  }
  return undefined;
}

/** A node under the pointer or the one selected node, when its type takes `kind`: its id and param. */
function receiver(editor: Editor, kind: FileKind, nodeId: string | undefined) {
  const { document, selection } = editor.store.getState();
  const ids = nodeId ? [nodeId] : selection.nodes.length === 1 ? selection.nodes : [];
  for (const id of ids) {
    const node = document.nodes.find((n) => n.id === id);
    const def = node && editor.registry.get(node.type);
    const key = def && Object.keys(def.params).find((k) => def.params[k].takesFile === kind);
    if (node && key) return { nodeId: node.id, key };
  }
  return undefined;
}

const stem = (name: string) => name.replace(/\.[^.]+$/, "");

async function upload(editor: Editor, file: File): Promise<string | null> {
  try {
    const url = await uploadWithProgress(editor, file);
    if (url === null) editor.ui.toast(`The upload of ${file.name} was cancelled; nothing was added`, "info");
    return url;
  } catch (e) {
    editor.ui.toast(`${file.name} could not be uploaded: ${(e as Error).message}`, "error", 8000);
    return null;
  }
}

async function dropWeights(editor: Editor, file: File, at: DropTarget): Promise<void> {
  const read = await readLocalHeader(file, file.name);
  if (!read.ok) return void editor.ui.toast(read.error, "error", 8000);
  const kind = read.kind ?? "lora-file";
  const taker = takerOf(editor, kind);
  if (!taker) return void editor.ui.toast(`No node in this catalogue takes ${file.name}`, "error");
  // The node is chosen now, where the user dropped; the upload may take minutes.
  const into = receiver(editor, kind, at.nodeId);
  const position = into ? undefined : at.place(taker.def);
  const url = await upload(editor, file);
  if (!url) return;
  rememberHeader(editor, url, read);
  const facts = factsOf(url, read);
  const { store } = editor;
  if (into && store.getState().document.nodes.some((n) => n.id === into.nodeId)) {
    store.setParam(into.nodeId, into.key, url);
    store.setFileInfo(into.nodeId, into.key, facts);
    store.endEdit();
  } else {
    store.addNode(taker.def.type, position ?? at.place(taker.def), {
      params: { [taker.key]: url },
      label: stem(file.name),
      fileInfo: { [taker.key]: facts },
    });
  }
  editor.ui.toast(`${file.name} uploaded`, "success");
}

/** An image URL or uploaded file: into the field under the pointer, onto the input, or a new node. */
function placeImage(editor: Editor, url: string, at: DropTarget, label?: string): void {
  const taker = takerOf(editor, "image-file");
  if (!taker) return void editor.ui.toast("No node in this catalogue holds an image", "error");
  const { store } = editor;
  const into = at.field ? receiver(editor, "image-file", at.nodeId) : undefined;
  if (into && into.key === at.field) {
    store.setParam(into.nodeId, into.key, url);
    store.endEdit();
    return;
  }
  const wire =
    at.nodeId && at.port ? { nodeId: at.nodeId, handleId: at.port, handleType: "target" as const } : undefined;
  store.addNode(taker.def.type, at.place(taker.def), {
    params: { [taker.key]: url },
    ...(label ? { label } : {}),
    ...(wire ? { connectFrom: wire } : {}),
  });
}

async function dropImage(editor: Editor, file: File, at: DropTarget): Promise<void> {
  // An image another tool (or this one) made may carry its recipe: offer to open that instead.
  // Loaded here, not with this module: a workflow file dropped goes to the door without it.
  const { detectIncoming } = await import("../../interop/incoming");
  const found = detectIncoming(new Uint8Array(await file.arrayBuffer()));
  if (found.kind !== "unknown") {
    const what =
      found.kind === "workflow"
        ? "a lora-graph workflow"
        : found.kind === "request"
          ? "a fal request"
          : `${found.foreign.format} generation data`;
    const choice = await dialogsOf(editor).ask({
      title: `${file.name} carries ${what}`,
      message: "Open what it carries (it replaces the pipeline, asking first), or add the image as an Image node?",
      actions: [
        { id: "open", label: "Open it", kind: "primary" },
        { id: "image", label: "Add as image" },
        { id: "cancel", label: "Cancel" },
      ],
    });
    if (choice === "open") return openImport(editor, { file });
    if (choice !== "image") return;
  }
  const url = await upload(editor, file);
  if (url) placeImage(editor, url, at, stem(file.name));
}

/** Handles one dropped or pasted thing; never throws. */
export async function dropOnCanvas(editor: Editor, item: Dropped, at: DropTarget): Promise<void> {
  try {
    if ("url" in item) return placeImage(editor, item.url, at);
    const head = new Uint8Array(await item.file.slice(0, 16).arrayBuffer());
    if (isImage(head)) return await dropImage(editor, item.file, at);
    const named = /\.safetensors$/i.test(item.file.name);
    if (named || (await readLocalHeader(item.file, item.file.name)).ok) return await dropWeights(editor, item.file, at);
    await openImport(editor, { file: item.file });
  } catch (e) {
    editor.ui.toast(`The drop could not be used: ${(e as Error).message}`, "error", 8000);
  }
}
