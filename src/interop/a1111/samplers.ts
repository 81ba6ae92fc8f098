/**
 * A1111 sampler names ↔ fal's scheduler enum. A1111 1.9+ writes `Sampler: DPM++ 2M` with
 * `Schedule type: Karras`; older versions wrote the schedule into the name (`DPM++ 2M Karras`).
 * fal's enum has a Karras variant for two samplers only, so other schedule types are reported,
 * not guessed.
 */
import { SCHEDULERS, type Scheduler } from "../../graph";

/** A1111 base sampler name → fal scheduler without and with Karras sigmas. */
const BY_NAME: Readonly<Record<string, { plain: Scheduler; karras?: Scheduler }>> = {
  Euler: { plain: "Euler" },
  "Euler a": { plain: "Euler A" },
  "DPM++ 2M": { plain: "DPM++ 2M", karras: "DPM++ 2M Karras" },
  "DPM++ 2M SDE": { plain: "DPM++ 2M SDE", karras: "DPM++ 2M SDE Karras" },
  DDIM: { plain: "DDIM" },
  LCM: { plain: "LCM" },
  TCD: { plain: "TCD" },
};

export type SamplerMapping =
  { scheduler: Scheduler; ignoredSchedule?: string } | { scheduler?: undefined; unknown: string };

/** `Sampler` (+ `Schedule type`) → fal's scheduler. */
export function schedulerFromA1111(sampler: string, scheduleType: string | undefined): SamplerMapping {
  const name = sampler.trim();
  // Our own export writes fal names A1111 has no name for (e.g. "Euler (trailing timesteps)").
  if ((SCHEDULERS as readonly string[]).includes(name) && !BY_NAME[name] && name !== "Euler A")
    return { scheduler: name as Scheduler };
  let base = name;
  let schedule = scheduleType?.trim();
  const combined = /^(.*?) (Karras|Exponential|Polyexponential|SGM Uniform)$/.exec(name);
  if (combined && BY_NAME[combined[1]]) {
    base = combined[1];
    schedule = combined[2];
  }
  const entry = BY_NAME[base] ?? (base === "Euler A" ? BY_NAME["Euler a"] : undefined);
  if (!entry) return { unknown: name };
  if (!schedule || schedule === "Automatic") return { scheduler: entry.plain };
  if (schedule === "Karras" && entry.karras) return { scheduler: entry.karras };
  return { scheduler: entry.plain, ignoredSchedule: schedule };
}

/** fal's scheduler → A1111's `Sampler` and `Schedule type`. */
export function a1111FromScheduler(scheduler: Scheduler): { sampler: string; scheduleType?: string } {
  for (const [name, e] of Object.entries(BY_NAME)) {
    if (e.plain === scheduler) return { sampler: name };
    if (e.karras === scheduler) return { sampler: name, scheduleType: "Karras" };
  }
  return { sampler: scheduler };
}
