import type { RequestPath } from "./request";

/**
 * Port kinds: the closed set of wire types. Every map keyed by PortKind is written
 * `satisfies Record<PortKind, …>` so adding a kind turns each forgotten spot into a type error.
 */
export const PORT_KINDS = ["model", "conditioning", "image", "image_encoder", "scheduler", "ip_adapter"] as const;
export type PortKind = (typeof PORT_KINDS)[number];

export interface PortKindInfo {
  /** Noun used in messages: "LoRA expects a model, not an image". */
  noun: string;
  label: string;
  /** Wire and handle colour; chosen to stay distinct for common colour-vision deficiencies. */
  color: string;
  description: string;
}

export const PORT_KIND_INFO = {
  model: {
    noun: "a model",
    label: "Model",
    color: "#a78bfa",
    description:
      "The diffusion model stream: base model, then LoRAs, embeddings, IP-Adapters and IC-Light patch it in order.",
  },
  conditioning: {
    noun: "conditioning",
    label: "Conditioning",
    color: "#f59e0b",
    description: "The text prompt and the ControlNets that steer it, in order.",
  },
  image: {
    noun: "an image",
    label: "Image",
    color: "#38bdf8",
    description: "An image given as an https URL or a data: URI.",
  },
  image_encoder: {
    noun: "an image encoder",
    label: "Image encoder",
    color: "#f472b6",
    description: "The CLIP vision encoder shared by every IP-Adapter in a request.",
  },
  scheduler: {
    noun: "a scheduler",
    label: "Scheduler",
    color: "#34d399",
    description: "How noise is removed over the denoising steps.",
  },
  ip_adapter: {
    noun: "an IP-Adapter",
    label: "IP-Adapter link",
    // Neutral, not another pink: the image encoder's pink and this were one colour to most eyes.
    color: "#cbd5e1",
    description: "Links an InstantID ControlNet to the IP-Adapter it works with (ip_adapter_index).",
  },
} as const satisfies Record<PortKind, PortKindInfo>;

export interface PortSpec {
  /** Handle id; stable across versions because saved edges refer to it. */
  id: string;
  kind: PortKind;
  label: string;
  description?: string;
  /** Inputs only: the compiler reports a missing wire as an error. */
  required?: boolean;
  /** Inputs only: accepts more than one wire (e.g. several reference images). */
  multiple?: boolean;
  /**
   * Inputs only: the request field the wired value is sent as (`"image_url"` for the Sampler's
   * init image, `"controlnets[].mask_url"`). The importer, the request diff and the coverage test
   * read it; see docs/codebase.md, "A node type lives in its folder".
   */
  request?: RequestPath;
  /**
   * Inputs only: what is sent is the position of the source node's item in the list that node
   * feeds, not the wired value itself (an InstantID ControlNet's `ip_adapter_index`).
   */
  sendsIndex?: boolean;
  /** Multiple inputs only: the on/off param that sends a single wire's value as a one-item list. */
  listParam?: string;
  /**
   * Outputs only: the param whose value this port carries (an Image node's `url`), so the
   * importer can make the node that sends a request value arriving on a port of this kind.
   */
  carries?: string;
}
