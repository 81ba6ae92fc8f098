import type { Sourced } from "../src/graph";

/** Helpers shared by several node types; kept here so no node folder imports another. */

const ENCODER_CONFLICT = {
  code: "encoder-mismatch",
  message: "All IP-Adapters in one request share one image encoder: wire them to the same Image encoder node",
} as const;

/** Sets the image encoder fields; IP-Adapters and the Sampler (when no IP-Adapter has one) use it. */
export function applyImageEncoder(
  ctx: { set(key: string, value: unknown, options?: { conflict?: typeof ENCODER_CONFLICT }): void },
  encoder: Sourced<Record<string, string | undefined>>,
): void {
  for (const key of ["image_encoder_path", "image_encoder_subfolder", "image_encoder_weight_name"] as const) {
    ctx.set(key, encoder.pick(key), { conflict: ENCODER_CONFLICT });
  }
}
