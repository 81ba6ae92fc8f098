/**
 * The pictures the editor can draw for a node, by where they go. A definition picks from these
 * (`views: { canvas: "denoise-strip", inspector: "denoise-timeline" }`); the editor maps each kind
 * to a view it loads the first time such a node is shown (src/editor/flow/nodeViews.tsx), with
 * `satisfies Record<…>`, so a kind without a view is a type error. A new kind of picture is an
 * editor feature, like a new widget; a new node type reuses the kinds from its own folder, and the
 * editor never asks which node type it is drawing (docs/codebase.md#node-views).
 */

/** Drawn inside the node on the canvas, below its fields; left out when zoomed far out. */
export const CANVAS_VIEW_KINDS = [
  /** The denoising steps, noise curve and ControlNet windows of an output node. */
  "denoise-strip",
  /** A sparkline of sigma per step for the node's scheduler settings. */
  "schedule-spark",
  /**
   * What the header of the file its `family: "match"` param points to says: family, rank and
   * alpha, trigger-word chips that insert into the prompt, the thumbnail.
   */
  "model-file",
] as const;

/** Shown in the inspector, between the node's actions and its settings. */
export const INSPECTOR_VIEW_KINDS = [
  /** The full denoising timeline of an output node, its ControlNet windows draggable. */
  "denoise-timeline",
  /** The timeline of the output this node's ControlNet window feeds, its own bar highlighted. */
  "control-window",
  /** The noise schedule the node's scheduler settings give. */
  "schedule-plot",
] as const;

export type CanvasViewKind = (typeof CANVAS_VIEW_KINDS)[number];
export type InspectorViewKind = (typeof INSPECTOR_VIEW_KINDS)[number];

export interface NodeViews {
  canvas?: CanvasViewKind;
  inspector?: InspectorViewKind;
}

/** Views that draw an output node's own denoising: only an output node may declare them. */
export const OUTPUT_VIEW_KINDS: ReadonlySet<string> = new Set(["denoise-strip", "denoise-timeline"]);
