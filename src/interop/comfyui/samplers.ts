/**
 * ComfyUI's sampler_name + scheduler → fal's scheduler enum. fal (diffusers) names one scheduler
 * object per choice, with the sigma spacing folded into the name ("DPM++ 2M Karras",
 * "Euler (trailing timesteps)"); ComfyUI keeps the two apart. See docs/import-export.md.
 */
import type { Scheduler } from "../../graph";

/** ComfyUI sampler → the fal scheduler family it matches, with its Karras and trailing variants. */
const SAMPLERS: Readonly<Record<string, { plain: Scheduler; karras?: Scheduler; trailing?: Scheduler }>> = {
  euler: { plain: "Euler", trailing: "Euler (trailing timesteps)" },
  euler_ancestral: { plain: "Euler A" },
  dpmpp_2m: { plain: "DPM++ 2M", karras: "DPM++ 2M Karras" },
  dpmpp_2m_sde: { plain: "DPM++ 2M SDE", karras: "DPM++ 2M SDE Karras" },
  // The same sampler with its noise drawn on the GPU.
  dpmpp_2m_sde_gpu: { plain: "DPM++ 2M SDE", karras: "DPM++ 2M SDE Karras" },
  ddim: { plain: "DDIM" },
  lcm: { plain: "LCM", trailing: "LCM (trailing timesteps)" },
};

/** ComfyUI schedulers that space sigmas as diffusers' default spacing does, near enough. */
const PLAIN_SPACING = new Set(["normal", "simple", "ddim_uniform"]);

export interface SchedulerChoice {
  /** fal's scheduler, or undefined to keep the model's default. */
  scheduler?: Scheduler;
  /** Why the choice is not exact, when it is not. */
  note?: string;
}

/**
 * @example falScheduler("dpmpp_2m", "karras") // → { scheduler: "DPM++ 2M Karras" }
 * @example falScheduler("heun", "normal") // → { note: "…no fal equivalent…" }
 */
export function falScheduler(sampler: unknown, scheduler: unknown): SchedulerChoice {
  if (typeof sampler !== "string") return { note: "sampler_name is not a sampler name; the model's default is used" };
  const spacing = typeof scheduler === "string" ? scheduler : "normal";
  if (!Object.hasOwn(SAMPLERS, sampler)) {
    return {
      note: `sampler "${sampler}" has no fal equivalent (fal offers ${Object.keys(SAMPLERS).join(", ")}); the model's default scheduler is used`,
    };
  }
  const s = SAMPLERS[sampler];
  if (spacing === "karras") {
    return s.karras
      ? { scheduler: s.karras }
      : {
          scheduler: s.plain,
          note: `fal has no Karras variant of ${s.plain}; ${s.plain} with its own spacing is used`,
        };
  }
  if (spacing === "sgm_uniform") {
    // SGM uniform is the "trailing" timestep spacing of diffusers (SDXL Turbo and Lightning use it).
    return s.trailing
      ? { scheduler: s.trailing }
      : { scheduler: s.plain, note: `fal has no trailing-timestep variant of ${s.plain}; ${s.plain} is used` };
  }
  if (PLAIN_SPACING.has(spacing)) return { scheduler: s.plain };
  return {
    scheduler: s.plain,
    note: `scheduler "${spacing}" has no fal equivalent; ${s.plain} with its default spacing is used`,
  };
}
