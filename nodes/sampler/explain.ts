import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "The Sampler runs the denoising loop and is the request sent to fal. At each step the model predicts the noise twice, with and without the prompt; classifier-free guidance (CFG) pushes the result in the prompt's direction by Guidance. With an init image it starts part-way (image-to-image), and with a mask it only repaints the white area (inpaint).",
  params: {
    seed: "Fixes the starting noise. Same seed and settings give the same image, which is how sweeps compare one change at a time.",
    guidance_scale: "CFG: 5–9 is typical. Low values wander from the prompt; high values get harsh and oversaturated.",
    image_size: "SDXL: about 1024×1024 worth of pixels; SD1.5: about 512×512. Custom sizes must be multiples of 8.",
    num_images: "Images per request, each with its own noise (seed, seed+1, …).",
    noise_strength:
      "Image-to-image: 0.3 keeps the composition, 0.7 keeps only colours and rough shapes, 1 ignores the init image.",
    image_format: "png is lossless; jpeg is smaller.",
    enable_safety_checker: "Replaces images flagged as NSFW.",
    controlnet_guess_mode: "ControlNets try to recognise content without a prompt.",
    tile_width: "VAE tiling for very large images; leave as is.",
    tile_height: "VAE tiling for very large images; leave as is.",
    tile_stride_width: "Overlap between VAE tiles.",
    tile_stride_height: "Overlap between VAE tiles.",
    debug_latents: "Return the final latents, to study what the VAE decodes.",
    debug_per_pass_latents: "Return the latents after each step: watch noise become an image.",
  },
  mistakes: [
    "A mask without an init image: there is nothing to repaint.",
    "Guidance above 12: burnt colours and artifacts.",
    "An image size the base model was not trained for.",
  ],
};

export default explain;
