/**
 * Draws a sweep's labelled contact sheet on a canvas (geometry from contactSheetLayout) and
 * returns it as a PNG with the workflow and the sweep spec embedded, so dropping the sheet on
 * the editor opens the workflow it was made from.
 */
import { contactSheetLayout, type SweepSpec } from "../../teach/sweep";
import { WORKFLOW_KEYWORD, writeImageMetadata } from "../../interop/image";
import { recipeEntries } from "../../interop/recipe";
import type { Endpoint } from "../../graph";

/** PNG text keyword for the sweep spec ({axes, seed}) next to the workflow. */
export const SWEEP_KEYWORD = "lora-graph-sweep";
/** Longest side of one cell on the sheet, px. */
export const SHEET_CELL = 256;

export interface SheetCell {
  x: number;
  y: number;
  label: { x: string; y?: string };
}

export interface SheetInput {
  cells: readonly SheetCell[];
  titles: { x: string; y?: string };
  /** One image per cell (same order), or null for a cell without one (failed, skipped). */
  images: readonly (Blob | null)[];
  graph: string;
  /** Embedded beside the workflow under `specKeyword`: the sweep spec, or a batch's setup. */
  spec: SweepSpec | Record<string, unknown>;
  /** Default SWEEP_KEYWORD. */
  specKeyword?: string;
  /** A caption drawn over the foot of each cell (a batch run's values), same order as `cells`. */
  captions?: readonly string[];
  /**
   * The request of the sheet's first cell: embedded as the request and A1111's parameters
   * text, so other tools read a recipe from the sheet too (the sweep spec says what varies).
   */
  request?: { endpoint: Endpoint; input: Record<string, unknown> };
  /** Added to the embedded spec: the seed every cell used. */
  seed?: number;
}

export interface Sheet {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** The metadata could not be embedded (the PNG is still fine). */
  warning?: string;
}

const BG = "#0c0e12";
const CELL_BG = "#181c22";
const TEXT = "#e5e8ec";
const MUTED = "#9aa3b2";
const FONT = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

async function decode(blob: Blob | null): Promise<ImageBitmap | null> {
  if (!blob) return null;
  try {
    return await createImageBitmap(blob);
  } catch {
    return null;
  }
}

/** Each caption on a dark strip at the foot of its cell, cut with an ellipsis to the cell's width. */
function drawCaptions(
  ctx: CanvasRenderingContext2D,
  boxes: readonly { cell: number; x: number; y: number; width: number; height: number }[],
  captions: readonly string[],
  size: number,
): void {
  ctx.font = `${size}px ${FONT}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const strip = Math.round(size * 1.8);
  for (const box of boxes) {
    let text = captions[box.cell] ?? "";
    if (!text) continue;
    const room = box.width - 12;
    while (text.length > 1 && ctx.measureText(text).width > room) text = `${text.slice(0, -2)}…`;
    ctx.fillStyle = "rgba(12, 14, 18, 0.78)";
    ctx.fillRect(box.x, box.y + box.height - strip, box.width, strip);
    ctx.fillStyle = TEXT;
    ctx.fillText(text, box.x + 6, box.y + box.height - strip / 2);
  }
}

export async function renderContactSheet(input: SheetInput): Promise<Sheet> {
  const bitmaps = await Promise.all(input.images.map(decode));
  const first = bitmaps.find((b): b is ImageBitmap => !!b);
  // Every cell gets the first image's aspect ratio, scaled so its longest side is SHEET_CELL.
  const aspect = first ? first.width / first.height : 1;
  const size =
    aspect >= 1
      ? { width: SHEET_CELL, height: Math.round(SHEET_CELL / aspect) }
      : { width: Math.round(SHEET_CELL * aspect), height: SHEET_CELL };
  const fontSize = 15;
  const layout = contactSheetLayout(input.cells, size, { titles: input.titles, gap: 8, fontSize, padding: 16 });

  const canvas = document.createElement("canvas");
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("this browser cannot draw on a canvas");
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, layout.width, layout.height);
  for (const box of layout.images) {
    const bmp = bitmaps[box.cell];
    ctx.fillStyle = CELL_BG;
    ctx.fillRect(box.x, box.y, box.width, box.height);
    if (bmp) {
      // Fit inside the box, centred, in case an image has another aspect ratio.
      const s = Math.min(box.width / bmp.width, box.height / bmp.height);
      const w = bmp.width * s;
      const h = bmp.height * s;
      ctx.drawImage(bmp, box.x + (box.width - w) / 2, box.y + (box.height - h) / 2, w, h);
    } else {
      ctx.fillStyle = MUTED;
      ctx.font = `${fontSize - 2}px ${FONT}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("no image", box.x + box.width / 2, box.y + box.height / 2);
    }
  }
  ctx.textBaseline = "middle";
  for (const label of layout.labels) {
    const title = label.role === "title-x" || label.role === "title-y";
    ctx.font = `${title ? "600 " : ""}${fontSize}px ${FONT}`;
    ctx.fillStyle = title ? MUTED : TEXT;
    ctx.textAlign = label.anchor === "middle" ? "center" : label.anchor === "end" ? "right" : "left";
    ctx.fillText(label.text, label.x, label.y);
  }
  if (input.captions) drawCaptions(ctx, layout.images, input.captions, fontSize - 3);
  for (const b of bitmaps) b?.close();

  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("the contact sheet could not be encoded as PNG");
  const png = new Uint8Array(await blob.arrayBuffer());
  const spec = {
    ...input.spec,
    ...(input.seed !== undefined && input.spec.seed === undefined ? { seed: input.seed } : {}),
  };
  const recipe = input.request
    ? recipeEntries({ workflow: input.graph, endpoint: input.request.endpoint, input: input.request.input })
    : [{ keyword: WORKFLOW_KEYWORD, text: input.graph }];
  const w = writeImageMetadata(png, [
    ...recipe,
    { keyword: input.specKeyword ?? SWEEP_KEYWORD, text: JSON.stringify(spec) },
  ]);
  return w.ok
    ? { bytes: w.bytes, width: layout.width, height: layout.height }
    : {
        bytes: png,
        width: layout.width,
        height: layout.height,
        warning: `Saved without the workflow inside: ${w.error}`,
      };
}
