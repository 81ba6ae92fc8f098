import { z } from "../../src/graph/zodMini";
import { SCHEDULERS, defineNode, param } from "../../src/graph";
import { categories } from "../categories";

/** The scheduler names fal accepts; kept in the core beside the request schema. */
export const SCHEDULER_NAMES = SCHEDULERS;

const finite = z.number().check(z.refine(Number.isFinite, "must be a finite number"));

/**
 * Custom schedules keep the API's own shape `{ method, array }`, so a request round-trips exactly;
 * the list widget edits `array` and switches `method` to "array" when the list is not empty.
 */
export const customTimesteps = z.object({
  method: z.optional(z.enum(["default", "array"])),
  array: z.optional(
    z.array(z.number().check(z.int("must hold whole numbers"), z.gte(0, "must hold timesteps of at least 0"))),
  ),
});
export const customSigmas = z.object({
  method: z.optional(z.enum(["default", "array"])),
  array: z.optional(z.array(finite)),
});

export const scheduler = defineNode({
  type: "scheduler",
  version: 1,
  aliases: ["noise schedule", "karras", "sigmas"],
  title: "Scheduler",
  category: categories.sampling,
  description: "How noise is removed step by step: the sampler algorithm, the step count and the noise schedule.",
  explain: () => import("./explain"),
  views: { canvas: "schedule-spark", inspector: "schedule-plot" },
  inputs: [],
  outputs: [{ id: "scheduler", kind: "scheduler", label: "Scheduler" }],
  glance: ["scheduler", "num_inference_steps"],
  params: {
    scheduler: param.enum(SCHEDULER_NAMES, {
      request: "scheduler",
      label: "Scheduler",
      description: "Sampling algorithm; leave empty to use the model's own.",
    }),
    num_inference_steps: param.int({
      request: "num_inference_steps",
      label: "Steps",
      description: "Denoising steps; 20–40 for most schedulers, 4–8 for LCM/TCD.",
      default: 30,
      min: 1,
      max: 150,
      slider: true,
    }),
    timesteps: param.custom(customTimesteps, "intList", {
      request: "timesteps",
      label: "Custom timesteps",
      description: "Exact timesteps to visit (e.g. 999, 749, 499, 249); replaces Steps. Not with custom sigmas.",
      advanced: true,
    }),
    sigmas: param.custom(customSigmas, "floatList", {
      request: "sigmas",
      label: "Custom sigmas",
      description: "Exact noise levels per step, high to low; replaces Steps. Not with custom timesteps.",
      advanced: true,
    }),
    eta: param.float({
      request: "eta",
      label: "Eta",
      description: "Stochasticity for DDIM-like schedulers; 0 is deterministic.",
      default: 0,
      min: 0,
      max: 1,
      step: 0.05,
      advanced: true,
    }),
    prediction_type: param.enum(["epsilon", "v_prediction"] as const, {
      request: "prediction_type",
      label: "Prediction type",
      description: "What the model predicts; v_prediction only for v-models (e.g. SD 2.x 768).",
      default: "epsilon",
      advanced: true,
    }),
    rescale_betas_snr_zero: param.bool({
      request: "rescale_betas_snr_zero",
      label: "Zero terminal SNR",
      description: "Rescale the noise schedule to reach pure noise; pair with v_prediction models trained for it.",
      default: false,
      advanced: true,
    }),
  },
  contribute(ctx) {
    ctx.emit("scheduler", { ...ctx.params });
  },
});
