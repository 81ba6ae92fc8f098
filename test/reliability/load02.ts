/**
 * LOAD-02's pipeline: 500 nodes and exactly 1,000 wires, for its test (load02.test.ts) and its
 * time budgets in `npm run bench -- files`.
 */
import { registry } from "../../nodes";
import { gridBuilder } from "../harness/graph";
import type { WorkflowDocument } from "../../src/graph";

export const NODES = 500;
export const EDGES = 1000;
const IMAGES = 20;

/**
 * base → chain of LoRAs and IP-Adapters → Sampler; every IP-Adapter takes one of 20 shared
 * reference images and the shared encoder (3 wires each), so 500 nodes carry exactly 1,000 wires.
 */
export function pipeline500(): WorkflowDocument {
  const { nodes, edges, add, wire, ipAdapter } = gridBuilder(registry, 25);
  const base = add("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0" });
  const prompt = add("prompt", { prompt: "a castle on a hill, golden hour", negative_prompt: "blurry" });
  const sampler = add("sampler", { seed: 42, guidance_scale: 7.5, image_size: "square_hd", num_images: 1 });
  const sched = add("scheduler", { scheduler: "DPM++ 2M Karras", num_inference_steps: 30 });
  const encoder = add("image_encoder", {
    image_encoder_path: "h94/IP-Adapter",
    image_encoder_subfolder: "models/image_encoder",
  });
  const images = Array.from({ length: IMAGES }, (_, i) => add("image", { url: `https://example.com/refs/${i}.png` }));
  const finalWires = 3;
  let model = base;
  for (let i = 0; nodes.length < NODES; i++) {
    const nodesLeft = NODES - nodes.length;
    const wiresLeft = EDGES - edges.length - finalWires;
    // An IP-Adapter brings 3 wires, a LoRA 1: pick whichever keeps exactly EDGES reachable.
    if (wiresLeft - 3 >= nodesLeft - 1) {
      model = ipAdapter(model, () => images[i % IMAGES], encoder);
    } else {
      const l = add("lora", { path: `https://example.com/loras/${i}.safetensors`, scale: 0.6 });
      wire(model, "model", l, "model");
      model = l;
    }
  }
  wire(model, "model", sampler, "model");
  wire(prompt, "conditioning", sampler, "conditioning");
  wire(sched, "scheduler", sampler, "scheduler");
  return { format: "lora-graph/workflow", version: 4, meta: { name: "load-02" }, nodes, edges };
}
