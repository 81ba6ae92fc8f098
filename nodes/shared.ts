import type { ContributeContext, RequestFields, Sourced } from "../src/graph";

/** Helpers shared by several node types; kept here so no node folder imports another. */

const ENCODER_CONFLICT = {
  code: "encoder-mismatch",
  message: "All IP-Adapters in one request share one image encoder: wire them to the same Image encoder node",
} as const;

const ENCODER_FIELDS = ["image_encoder_path", "image_encoder_subfolder", "image_encoder_weight_name"] as const;

/** What an Image encoder node puts on its output: its params, which are the request's encoder fields. */
export type EncoderValue = Partial<Pick<RequestFields, (typeof ENCODER_FIELDS)[number]>>;

/** Sets the image encoder fields; IP-Adapters and the Sampler (when no IP-Adapter has one) use it. */
export function applyImageEncoder(ctx: Pick<ContributeContext<unknown>, "set">, encoder: Sourced<EncoderValue>): void {
  for (const key of ENCODER_FIELDS) ctx.set(key, encoder.pick(key), { conflict: ENCODER_CONFLICT });
}
