import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "The scheduler decides the noise level (sigma) at each step and how the model's prediction moves the image from one level to the next. More steps follow the path more finely; some schedulers (LCM, TCD) are built for 4–8 steps with matching models or LoRAs.",
  params: {
    scheduler:
      "DPM++ 2M Karras is a solid default; Euler A adds randomness per step (images change with step count); LCM/TCD need LCM/TCD models or LoRAs.",
    num_inference_steps: "20–40 for most schedulers. Beyond 50 rarely helps.",
    timesteps: "Exact timesteps (0–999) to visit, high to low. Replaces Steps.",
    sigmas: "Exact noise levels to visit, high to low. Replaces Steps.",
    eta: "For DDIM-like schedulers: 0 is deterministic, 1 adds fresh noise each step.",
    prediction_type: "epsilon for almost all models; v_prediction only for v-models.",
    rescale_betas_snr_zero: "Makes the last step reach pure noise (zero terminal SNR); use with models trained for it.",
  },
  mistakes: [
    "LCM or TCD with a normal model and 30 steps: washed-out images.",
    "Custom timesteps and custom sigmas together: only one may be given.",
  ],
};

export default explain;
