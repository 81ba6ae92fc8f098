/**
 * Noise-schedule math for the teaching views: for one of fal-ai/lora's scheduler names and a step
 * count, which training timestep each denoising step visits and how much noise (sigma) is left there.
 *
 * Everything follows the published definitions as implemented by diffusers (the library fal's
 * fal-ai/lora app runs), for Stable Diffusion's noise schedule. The mapping from fal's names to
 * diffusers classes is fal's own `SUPPORTED_SCHEDULERS` table (fal-ai/text-to-image, runtime.py):
 * every class is built `from_config(pipe.scheduler.config, **overrides)`, so it inherits the SDXL
 * base checkpoint's scheduler config: `timestep_spacing: "leading"`, `steps_offset: 1`,
 * scaled-linear betas 0.00085…0.012 over 1,000 training steps, `set_alpha_to_one: false`.
 *
 * Pure and cheap: the 1,000-entry tables are built once per variant and cached; a 150-step
 * schedule is a few thousand float operations.
 */
import { SCHEDULERS, type Scheduler } from "../compiler";

export const TRAIN_TIMESTEPS = 1000;
export const BETA_START = 0.00085;
export const BETA_END = 0.012;
/** diffusers EulerDiscreteScheduler.__init__: "close to 0 without being 0 so first sigma is not inf". */
export const ZERO_SNR_ALPHA_CUMPROD = 2 ** -24;

export interface NoiseTable {
  /** ᾱ_t for t = 0…999. */
  alphasCumprod: Float64Array;
  /** sigma_t = sqrt((1 − ᾱ_t) / ᾱ_t): the noise-to-signal ratio at training timestep t. */
  sigmas: Float64Array;
  logSigmas: Float64Array;
}

const tables = new Map<boolean, NoiseTable>();

/**
 * The training noise table of Stable Diffusion (SD1.x and SDXL share it).
 *
 * Scaled-linear betas: `betas = linspace(sqrt(β_start), sqrt(β_end), 1000)²`
 * (diffusers `beta_schedule="scaled_linear"`, every scheduler's `__init__`; the LDM/SD config).
 * `ᾱ_t = Π_{s≤t} (1 − β_s)` (Ho et al. 2020, eq. 4 notation) and
 * `σ_t = sqrt((1 − ᾱ_t) / ᾱ_t)` (Karras et al. 2022, Table 1, the VP → σ mapping; diffusers
 * `EulerDiscreteScheduler.__init__`).
 *
 * With `rescaleBetasSnrZero` the betas first go through Lin et al. 2023 ("Common Diffusion Noise
 * Schedules and Sample Steps are Flawed"), Algorithm 1 (diffusers `rescale_zero_terminal_snr`),
 * which makes ᾱ_999 exactly 0; like diffusers' Euler and DPM-Solver we then set ᾱ_999 = 2⁻²⁴ so the
 * first sigma is finite (≈ 4096) instead of infinite.
 */
export function noiseTable(rescaleBetasSnrZero = false): NoiseTable {
  const cached = tables.get(rescaleBetasSnrZero);
  if (cached) return cached;
  const n = TRAIN_TIMESTEPS;
  const a = Math.sqrt(BETA_START);
  const b = Math.sqrt(BETA_END);
  let betas: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const root = a + ((b - a) * i) / (n - 1);
    betas[i] = root * root;
  }
  if (rescaleBetasSnrZero) betas = rescaleZeroTerminalSnr(betas);
  const alphasCumprod = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    prod *= 1 - betas[i];
    alphasCumprod[i] = prod;
  }
  if (rescaleBetasSnrZero) alphasCumprod[n - 1] = ZERO_SNR_ALPHA_CUMPROD;
  const sigmas = new Float64Array(n);
  const logSigmas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sigmas[i] = Math.sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]);
    logSigmas[i] = Math.log(sigmas[i]);
  }
  const table = { alphasCumprod, sigmas, logSigmas };
  tables.set(rescaleBetasSnrZero, table);
  return table;
}

/**
 * Lin et al. 2023, Algorithm 1 (diffusers `rescale_zero_terminal_snr`): shift and scale
 * sqrt(ᾱ) so the last step has zero signal while the first keeps its value, then convert back to betas.
 */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const n = betas.length;
  const sqrtAbar = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    prod *= 1 - betas[i];
    sqrtAbar[i] = Math.sqrt(prod);
  }
  const first = sqrtAbar[0];
  const last = sqrtAbar[n - 1];
  const abar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = ((sqrtAbar[i] - last) * first) / (first - last);
    abar[i] = s * s;
  }
  const out = new Float64Array(n);
  out[0] = 1 - abar[0];
  for (let i = 1; i < n; i++) out[i] = 1 - abar[i] / abar[i - 1];
  return out;
}

/** sigma at a (possibly fractional) timestep: numpy `np.interp(t, arange(1000), sigmas)`, clamped at the ends. */
export function sigmaAt(t: number, table: NoiseTable = noiseTable()): number {
  const s = table.sigmas;
  if (!(t > 0)) return s[0];
  if (t >= s.length - 1) return s[s.length - 1];
  const lo = Math.floor(t);
  const w = t - lo;
  return w === 0 ? s[lo] : s[lo] * (1 - w) + s[lo + 1] * w;
}

/**
 * The (fractional) timestep whose sigma is `sigma`, interpolating linearly in log-sigma:
 * diffusers `_sigma_to_t` (EulerDiscreteScheduler / DPMSolverMultistepScheduler), the same as
 * k-diffusion's `DiscreteSchedule.sigma_to_t`. Below sigma(0) it returns 0; above sigma(999), 999.
 */
export function timestepForSigma(sigma: number, table: NoiseTable = noiseTable()): number {
  const logs = table.logSigmas;
  const ls = Math.log(Math.max(sigma, 1e-10));
  // Last index whose log-sigma ≤ ls (the table increases with t); 0 when there is none.
  let lo = 0;
  let hi = logs.length - 1;
  if (ls < logs[0]) lo = 0;
  else {
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (logs[mid] <= ls) lo = mid;
      else hi = mid - 1;
    }
  }
  const low = Math.min(lo, logs.length - 2);
  const high = low + 1;
  let w = (logs[low] - ls) / (logs[low] - logs[high]);
  w = Math.min(1, Math.max(0, w));
  return (1 - w) * low + w * high;
}

/** numpy's `round` (and `ndarray.round`): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * `timestep_spacing="leading"` (Lin et al. 2023, Table 2; diffusers `EulerDiscreteScheduler` /
 * `DDIMScheduler.set_timesteps`): multiples of `1000 // N`, plus `steps_offset` (1 for SD/SDXL).
 * It never visits t = 999, which is one of the flaws Lin et al. point out.
 */
export function leadingTimesteps(steps: number, stepsOffset = 1): number[] {
  const ratio = Math.floor(TRAIN_TIMESTEPS / steps);
  const out: number[] = [];
  for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + stepsOffset);
  return out;
}

/**
 * DPMSolverMultistepScheduler's leading spacing: `1000 // (N + 1)` multiples, the zero dropped
 * (diffusers `DPMSolverMultistepScheduler.set_timesteps`, branch "leading").
 */
export function dpmLeadingTimesteps(steps: number, stepsOffset = 1): number[] {
  const ratio = Math.floor(TRAIN_TIMESTEPS / (steps + 1));
  const out: number[] = [];
  for (let i = steps; i >= 1; i--) out.push(i * ratio + stepsOffset);
  return out;
}

/**
 * `timestep_spacing="trailing"` (Lin et al. 2023, section 3.3 and Table 2; diffusers
 * `set_timesteps`, branch "trailing"): `round(arange(1000, 0, -1000/N)) − 1`, so the first step
 * is t = 999. numpy's `arange` length is `ceil(1000 / (1000/N))`, which floating point makes N + 1
 * for a few N (61, 103, 121, 122); we reproduce that, as diffusers runs it.
 */
export function trailingTimesteps(steps: number): number[] {
  const ratio = TRAIN_TIMESTEPS / steps;
  const len = Math.ceil((0 - TRAIN_TIMESTEPS) / -ratio);
  const out: number[] = [];
  for (let i = 0; i < len; i++) out.push(roundHalfEven(TRAIN_TIMESTEPS - i * ratio) - 1);
  return out;
}

/**
 * LCM's step choice (Luo et al. 2023, "Latent Consistency Models", skipping-step k; diffusers
 * `LCMScheduler.set_timesteps`; `TCDScheduler.set_timesteps` is the same): the distillation
 * schedule `[1..50]·20 − 1` (original_inference_steps = 50), reversed, sampled at
 * `floor(linspace(0, 50, N, endpoint=False))`.
 */
export function lcmTimesteps(steps: number, originalSteps = 50): number[] {
  const k = Math.floor(TRAIN_TIMESTEPS / originalSteps);
  const origin: number[] = [];
  for (let i = originalSteps; i >= 1; i--) origin.push(i * k - 1);
  const step = origin.length / steps;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(origin[Math.min(origin.length - 1, Math.floor(i * step))]);
  return out;
}

/**
 * Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models"), eq. 5:
 * `σ_i = (σ_max^(1/ρ) + i/(N−1) · (σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ`, ρ = 7
 * (diffusers `_convert_to_karras`, with σ_min/σ_max the ends of the training table).
 */
export function karrasSigmas(steps: number, sigmaMin: number, sigmaMax: number, rho = 7): number[] {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const ramp = steps === 1 ? 0 : i / (steps - 1);
    out.push((maxInv + ramp * (minInv - maxInv)) ** rho);
  }
  return out;
}

export interface ScheduleRequest {
  /** One of fal-ai/lora's scheduler names; undefined means the model's own (see DEFAULT_SCHEDULER_NOTE). */
  scheduler?: string;
  /** num_inference_steps; ignored when custom timesteps or sigmas are given. */
  steps?: number;
  /** Custom timesteps, high to low (fal `timesteps: {method: "array", array}`). */
  timesteps?: readonly number[];
  /** Custom sigmas, high to low (fal `sigmas: {method: "array", array}`). */
  sigmas?: readonly number[];
  rescaleBetasSnrZero?: boolean;
}

export interface SchedulePoint {
  /** 0-based step index. */
  step: number;
  /** Training timestep (0…999) the model is asked to denoise at; fractional for Karras/custom sigmas. */
  timestep: number;
  /** Noise level at that step. */
  sigma: number;
}

export interface Schedule {
  points: SchedulePoint[];
  /** The diffusers class and settings this is computed for, e.g. "DPMSolverMultistepScheduler, Karras sigmas". */
  method: string;
  /** One or two plain sentences for the timeline's caption. */
  note: string;
  /** Where the last step lands (0 = fully denoised). */
  finalSigma: number;
  /** Things that will not work as expected (e.g. LCM with more than 50 steps). */
  warnings: string[];
}

export const DEFAULT_STEPS = 30;

/**
 * Without a scheduler fal uses the checkpoint's own. For the SDXL base checkpoint
 * (stabilityai/stable-diffusion-xl-base-1.0, scheduler/scheduler_config.json) that is
 * EulerDiscreteScheduler with leading spacing and steps_offset 1, so we draw that; other
 * checkpoints may differ, which the note says.
 */
export const DEFAULT_SCHEDULER_NOTE =
  "No scheduler chosen: the model's own is used. For SDXL base that is Euler with leading timesteps, which is what is drawn; other checkpoints may ship another scheduler.";

type Family = "euler" | "euler-a" | "euler-trailing" | "dpm" | "dpm-karras" | "lcm" | "lcm-trailing" | "ddim" | "tcd";

const FAMILY: Record<Scheduler, Family> = {
  "DPM++ 2M": "dpm",
  "DPM++ 2M Karras": "dpm-karras",
  "DPM++ 2M SDE": "dpm",
  "DPM++ 2M SDE Karras": "dpm-karras",
  Euler: "euler",
  "Euler A": "euler-a",
  "Euler (trailing timesteps)": "euler-trailing",
  LCM: "lcm",
  "LCM (trailing timesteps)": "lcm-trailing",
  DDIM: "ddim",
  TCD: "tcd",
} satisfies Record<Scheduler, Family>;

const METHOD: Record<Family, string> = {
  euler: "EulerDiscreteScheduler, leading timesteps (steps_offset 1)",
  "euler-a": "EulerAncestralDiscreteScheduler, leading timesteps (steps_offset 1)",
  "euler-trailing": "EulerDiscreteScheduler, trailing timesteps",
  dpm: "DPMSolverMultistepScheduler, leading timesteps (steps_offset 1)",
  "dpm-karras": "DPMSolverMultistepScheduler, Karras sigmas (ρ = 7)",
  lcm: "LCMScheduler, 50 original steps, evenly skipped",
  "lcm-trailing": "LCMScheduler with trailing timesteps",
  ddim: "DDIMScheduler, leading timesteps (steps_offset 1)",
  tcd: "TCDScheduler, 50 original steps, evenly skipped",
};

const NOTE: Record<Family, string> = {
  euler:
    "Euler takes one straight step along the model's predicted direction per timestep. Leading spacing starts just below t = 999, so the first step is not at pure noise.",
  "euler-a":
    "Euler Ancestral adds fresh noise after each step, so the image keeps changing with the step count. Timesteps are spaced like Euler's.",
  "euler-trailing":
    "Trailing spacing (Lin et al. 2023) starts at t = 999, pure noise, which matters for few-step models and zero-terminal-SNR schedules.",
  dpm: "DPM-Solver++ 2M reuses the previous step's prediction for a second-order update; the SDE variant adds noise. Timesteps use leading spacing over N + 1 intervals.",
  "dpm-karras":
    "Karras spacing spends more steps at low noise, where fine detail is decided, and fewer at high noise. The SDE variant follows the same sigmas but adds noise.",
  lcm: "LCM was distilled on 50 timesteps (every 20th); it picks N of them evenly. Use it with an LCM model or LoRA and 4–8 steps.",
  "lcm-trailing":
    "LCM's update on trailing timesteps (999, then evenly down), as used with few-step LoRAs such as LCM/DMD2. fal does not document this variant; this is our reading of its name.",
  ddim: "DDIM is deterministic with eta 0. It has no sigmas of its own; the sigma shown is the noise level of each timestep.",
  tcd: "TCD picks timesteps like LCM; its gamma (the eta field) decides how much noise is re-added each step. Use it with a TCD LoRA and 4–8 steps.",
};

/**
 * Computes the per-step timesteps and sigmas for a scheduler and step count.
 * Throws only on programmer error (a step count that is not a whole number from 1 to 1000).
 *
 * @example
 * scheduleFor({ scheduler: "DPM++ 2M Karras", steps: 25 }).points[0].sigma // ≈ 14.61
 */
export function scheduleFor(req: ScheduleRequest): Schedule {
  const table = noiseTable(req.rescaleBetasSnrZero === true);
  const warnings: string[] = [];
  let family: Family = "euler";
  let isDefault = false;
  if (req.scheduler === undefined) isDefault = true;
  else if ((SCHEDULERS as readonly string[]).includes(req.scheduler)) family = FAMILY[req.scheduler as Scheduler];
  else {
    isDefault = true;
    warnings.push(`"${req.scheduler}" is not a fal-ai/lora scheduler; drawing the model default instead`);
  }
  let method = isDefault ? `model default, drawn as ${METHOD.euler}` : METHOD[family];
  let note = isDefault ? DEFAULT_SCHEDULER_NOTE : NOTE[family];
  const finalSigma = family === "ddim" ? table.sigmas[0] : 0; // DDIM: set_alpha_to_one=false → ᾱ_prev = ᾱ_0

  const customT = req.timesteps && req.timesteps.length > 0 ? req.timesteps : undefined;
  const customS = !customT && req.sigmas && req.sigmas.length > 0 ? req.sigmas : undefined;
  if (req.timesteps?.length && req.sigmas?.length)
    warnings.push(
      "Custom timesteps and custom sigmas cannot both be given; fal refuses the request. Drawing the timesteps.",
    );

  let timesteps: number[];
  let sigmas: number[];
  if (customT) {
    timesteps = customT.map((t) => t);
    sigmas = timesteps.map((t) => sigmaAt(t, table));
    method = `${method}; custom timesteps`;
    note = `Custom timesteps replace the step count. ${note}`;
    if (family === "dpm-karras")
      warnings.push("diffusers refuses custom timesteps together with Karras sigmas (DPM++ … Karras).");
    checkDescending(timesteps, "timesteps", warnings);
  } else if (customS) {
    // As in diffusers' Euler `set_timesteps(sigmas=…)`, a trailing 0 is where the last step lands, not a step.
    const list = customS.length > 1 && customS[customS.length - 1] === 0 ? customS.slice(0, -1) : customS.slice();
    sigmas = list;
    timesteps = list.map((s) => timestepForSigma(s, table));
    method = `${method}; custom sigmas`;
    note = `Custom sigmas replace the step count; each is mapped to a timestep by interpolating log-sigma. ${note}`;
    if (family !== "euler" && family !== "euler-a" && family !== "euler-trailing" && !isDefault) {
      warnings.push(`${req.scheduler} may not accept custom sigmas in diffusers (Euler does).`);
    }
    checkDescending(sigmas, "sigmas", warnings);
  } else {
    const steps = req.steps ?? DEFAULT_STEPS;
    if (!Number.isInteger(steps) || steps < 1 || steps > TRAIN_TIMESTEPS) {
      throw new RangeError(
        `scheduleFor: steps must be a whole number from 1 to ${TRAIN_TIMESTEPS}, got ${String(steps)}`,
      );
    }
    switch (family) {
      case "euler":
      case "euler-a":
      case "ddim":
        timesteps = leadingTimesteps(steps);
        break;
      case "euler-trailing":
      case "lcm-trailing":
        timesteps = trailingTimesteps(steps);
        if (timesteps.length !== steps) {
          warnings.push(
            `With ${steps} steps numpy's arange yields ${timesteps.length} trailing timesteps (floating-point rounding); diffusers runs them all, the last at t = ${timesteps[timesteps.length - 1]}.`,
          );
        }
        break;
      case "dpm":
        timesteps = dpmLeadingTimesteps(steps);
        break;
      case "dpm-karras":
        timesteps = [];
        break;
      case "lcm":
      case "tcd":
        timesteps = lcmTimesteps(steps);
        if (steps > 50)
          warnings.push(
            `${family === "lcm" ? "LCMScheduler" : "TCDScheduler"} refuses more than 50 steps (its original_inference_steps); fal will fail. Use 4–8 steps.`,
          );
        break;
    }
    if (family === "dpm-karras") {
      // Karras over the whole training range: sigma_min = σ(0), sigma_max = σ(999); timesteps rounded.
      sigmas = karrasSigmas(steps, table.sigmas[0], table.sigmas[TRAIN_TIMESTEPS - 1]);
      timesteps = sigmas.map((s) => roundHalfEven(timestepForSigma(s, table)));
    } else {
      sigmas = timesteps.map((t) => sigmaAt(t, table));
    }
  }
  if (
    (family === "lcm" || family === "tcd" || family === "lcm-trailing") &&
    (req.steps ?? DEFAULT_STEPS) > 8 &&
    !customT &&
    !customS
  ) {
    warnings.push("LCM and TCD are built for 4–8 steps; more steps rarely help and can wash the image out.");
  }
  const points = timesteps.map((timestep, step) => ({ step, timestep, sigma: sigmas[step] }));
  return { points, method, note, finalSigma, warnings };
}

function checkDescending(values: readonly number[], what: string, warnings: string[]): void {
  for (let i = 1; i < values.length; i++) {
    if (!(values[i] < values[i - 1])) {
      warnings.push(
        `Custom ${what} should go from high to low; item ${i + 1} (${values[i]}) is not below item ${i} (${values[i - 1]}).`,
      );
      return;
    }
  }
}
