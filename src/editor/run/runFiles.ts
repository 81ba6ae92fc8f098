/**
 * What the runs drawer, the gallery and a dropped image do with files: restore a run's graph,
 * read and download its images, open the workflow inside an image. Only needed once something
 * is clicked or dropped, so not part of the first load (docs/codebase.md#the-first-load).
 */
import { replaceGuarded } from "../library/fileActions";
import type { Editor } from "../store";
import { loadWorkflow } from "../../graph";
import { workflowFromImageFile } from "../load/loadOffThread";
import { runtimeOf } from "./runtime";
import type { RunRecord } from "./types";

/** Brings back the graph a run was made from, through the editor's ask-when-unsaved flow. */
export async function restoreRun(editor: Editor, run: RunRecord): Promise<void> {
  const { ui } = editor;
  const r = loadWorkflow(run.graph, editor.registry);
  if (!r.ok) {
    ui.toast(`This run's graph could not be restored: ${r.errors[0]?.message ?? "unknown error"}`, "error", 8000);
    return;
  }
  const when = new Date(run.createdAt).toLocaleString();
  if (
    await replaceGuarded(
      editor,
      r.document,
      `Replaced by restoring the graph of the run from ${when}`,
      "Restore this run's graph?",
      false,
    )
  ) {
    ui.toast(`Restored the graph of the run from ${when}`, "success");
  }
}

/** The bytes of a run's image: the IndexedDB copy when there is one, else the URL. */
export async function imageBytes(
  editor: Editor,
  run: RunRecord,
  index: number,
): Promise<{ bytes: Uint8Array; type: string }> {
  const img = run.images[index];
  if (!img) throw new Error(`run has no image ${index + 1}`);
  if (img.storedKey) {
    const stored = await runtimeOf(editor).controller.readImage(img.storedKey);
    if (stored) return { bytes: new Uint8Array(stored.bytes), type: stored.type };
  }
  const res = await fetch(img.url, { referrerPolicy: "no-referrer", credentials: "omit" });
  if (!res.ok) throw new Error(`the image is no longer available (HTTP ${res.status})`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get("content-type") ?? "" };
}

/** A finished run's first image for a contact sheet cell; null for a run with nothing to show. */
export async function firstImageBlob(editor: Editor, run: RunRecord | undefined): Promise<Blob | null> {
  if (!run || run.status !== "completed" || !run.images.length) return null;
  try {
    const { bytes, type } = await imageBytes(editor, run, 0);
    return new Blob([bytes as BlobPart], { type: type || "image/png" });
  } catch {
    return null;
  }
}

/** A title as the start of a download's file name: word characters, dots and dashes, at most 60. */
export function safeName(s: string, fallback = "image"): string {
  return (
    s
      .trim()
      .replace(/[^\w.-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || fallback
  );
}

/**
 * Downloads an image with its recipe embedded: the workflow and request (PNG iTXt / JPEG COM) and
 * A1111's parameters text (PNG tEXt / JPEG EXIF), which A1111 and Civitai read.
 */
export async function downloadRunImage(editor: Editor, run: RunRecord, index: number): Promise<void> {
  const { ui } = editor;
  try {
    // PNG/JPEG metadata code is only needed here: not part of the first load.
    const [{ bytes }, { sniffImage }, { embedRecipe }] = await Promise.all([
      imageBytes(editor, run, index),
      import("../../interop/image"),
      import("../../interop/recipe"),
    ]);
    const kind = sniffImage(bytes);
    const w = embedRecipe(bytes, { workflow: run.graph, endpoint: run.endpoint, input: run.input });
    const out = w.bytes;
    if (!w.embedded) ui.toast(`Downloaded without the workflow inside: ${w.notes[0]}`, "info", 6000);
    const ext = kind === "jpeg" ? "jpg" : kind === "png" ? "png" : "bin";
    const url = URL.createObjectURL(
      new Blob([out as BlobPart], {
        type: kind === "jpeg" ? "image/jpeg" : kind === "png" ? "image/png" : "application/octet-stream",
      }),
    );
    const a = document.createElement("a");
    a.href = url;
    a.download = `${safeName(run.title)}-${run.seed ?? "x"}-${index + 1}.${ext}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  } catch (e) {
    ui.toast(`Download failed: ${(e as Error).message}`, "error", 6000);
  }
}

/** Largest image read for an embedded workflow. */
export const MAX_DROP_IMAGE_BYTES = 64 * 1024 * 1024;

/** Opens the workflow embedded in a dropped image. Untrusted bytes: sizes capped, never throws. */
export async function openDroppedImage(editor: Editor, file: File): Promise<void> {
  const { ui } = editor;
  if (file.size > MAX_DROP_IMAGE_BYTES) {
    ui.toast(
      `${file.name} is too large to read (${Math.round(file.size / 1048576)} MB; the limit is 64 MB)`,
      "error",
      6000,
    );
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    ui.toast(`${file.name} could not be read: ${(e as Error).message}`, "error", 6000);
    return;
  }
  // Read and validated in a worker: an image can carry a workflow at the node cap (IMP-05).
  const r = await workflowFromImageFile(bytes, editor.registry);
  if (!r.ok) return ui.toast(`${file.name}: ${r.error}`, "error", 6000);
  if (!r.load.ok) {
    const first = r.load.errors[0];
    return ui.toast(
      `The workflow inside ${file.name} could not be loaded: ${first?.message ?? "unknown error"}`,
      "error",
      8000,
    );
  }
  if (
    !(await replaceGuarded(
      editor,
      r.load.document,
      `Replaced by opening the workflow inside ${file.name}`,
      "Open the workflow inside this image?",
    ))
  )
    return;
  ui.toast(
    `Opened the workflow inside ${file.name}${r.load.warnings.length ? ` with ${r.load.warnings.length} repair(s)` : ""}`,
    "success",
  );
}
