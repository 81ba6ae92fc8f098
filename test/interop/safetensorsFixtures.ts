/**
 * Small .safetensors files built in the tests: a real header (8-byte little-endian length, JSON,
 * space padding to 8 bytes) followed by zeroed tensor data of the declared size.
 */

export interface TensorSpec {
  dtype?: string;
  shape: number[];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

export function safetensors(
  metadata: Record<string, unknown> | undefined,
  tensors: Record<string, TensorSpec> = { "lora_unet_down.lora_down.weight": { shape: [4, 8] } },
  opts: { headerText?: string; lengthOverride?: bigint } = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype ?? "F16"];
    header[name] = { dtype: t.dtype ?? "F16", shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(opts.headerText ?? JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (opts.headerText === undefined && padded > json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, opts.lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** A 1×1 PNG, as bytes. */
export const PNG_1x1 = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

export const dataUrl = (type: string, bytes: Uint8Array) =>
  `data:${type};base64,${btoa(String.fromCharCode(...bytes))}`;

/** kohya's tensor names for an SD1.5 LoRA: cross-attention keys read CLIP-L's 768 wide text. */
export function sd1Tensors(rank = 16): Record<string, TensorSpec> {
  return {
    "lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight": { shape: [rank, 768] },
    "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight": { shape: [rank, 768] },
    "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight": { shape: [320, rank] },
    "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.alpha": { shape: [], dtype: "F32" },
  };
}

/** An SDXL LoRA in diffusers' naming: a second text encoder, 2048-wide cross attention. */
export function sdxlDiffusersTensors(rank = 32): Record<string, TensorSpec> {
  return {
    "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight": { shape: [rank, 2048] },
    "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.lora_B.weight": { shape: [640, rank] },
    "text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight": { shape: [rank, 1280] },
  };
}
