import { describe, expect, it } from "vitest";
import { SCHEDULERS } from "../../src/compiler";
import { noiseTable, roundHalfEven, scheduleFor, timestepForSigma } from "../../src/teach/schedules";

/*
 * Every expected value here is re-derived from the published formulas with a deliberately plain,
 * separate implementation (arrays and loops, no shared helpers), so a slip in src/teach/schedules.ts
 * cannot hide behind the same slip in the test.
 */

/** SD's scaled-linear schedule, by the book: betas = linspace(√0.00085, √0.012, 1000)², ᾱ = Π(1 − β). */
function plainAlphaBar(): number[] {
  const out: number[] = [];
  let running = 1;
  for (let t = 0; t < 1000; t++) {
    const root = Math.sqrt(0.00085) + (t / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085));
    running = running * (1 - root * root);
    out.push(running);
  }
  return out;
}
const ABAR = plainAlphaBar();
const SIGMA = ABAR.map((a) => Math.sqrt((1 - a) / a));

/** Timestep for a sigma by a linear scan and interpolation in log-sigma (k-diffusion's sigma_to_t). */
function plainSigmaToT(sigma: number): number {
  const ls = Math.log(sigma);
  if (ls <= Math.log(SIGMA[0])) return 0;
  if (ls >= Math.log(SIGMA[999])) return 999;
  for (let t = 0; t < 999; t++) {
    const a = Math.log(SIGMA[t]);
    const b = Math.log(SIGMA[t + 1]);
    if (ls >= a && ls <= b) return t + (ls - a) / (b - a);
  }
  throw new Error("unreachable");
}

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

describe("the training noise table", () => {
  it("matches the published SD anchors: sigma_max ≈ 14.6146, sigma_min ≈ 0.0292", () => {
    const t = noiseTable();
    expect(t.sigmas[999]).toBeCloseTo(14.6146, 4);
    expect(t.sigmas[0]).toBeCloseTo(0.0292, 4);
    for (const i of [0, 1, 250, 500, 998, 999]) expect(close(t.alphasCumprod[i], ABAR[i], 1e-12)).toBe(true);
  });

  it("zero terminal SNR (Lin et al. algorithm 1) keeps ᾱ_0, zeroes ᾱ_999 (clamped to 2⁻²⁴) and is an affine map of √ᾱ", () => {
    const t = noiseTable(true);
    const s0 = Math.sqrt(ABAR[0]);
    const sT = Math.sqrt(ABAR[999]);
    expect(close(t.alphasCumprod[0], ABAR[0], 1e-9)).toBe(true);
    expect(t.alphasCumprod[999]).toBe(2 ** -24);
    expect(t.sigmas[999]).toBeCloseTo(Math.sqrt((1 - 2 ** -24) / 2 ** -24), 3);
    for (const i of [1, 100, 500, 900, 998]) {
      const expected = ((Math.sqrt(ABAR[i]) - sT) * s0) / (s0 - sT);
      expect(close(Math.sqrt(t.alphasCumprod[i]), expected, 1e-9)).toBe(true);
    }
    // The plain table is untouched by building the rescaled one.
    expect(noiseTable().sigmas[999]).toBeCloseTo(14.6146, 4);
  });
});

describe("scheduleFor", () => {
  it("Euler (and the model default) use leading spacing with steps_offset 1: SDXL's famous first timestep 981 at 50 steps", () => {
    for (const scheduler of ["Euler", "Euler A", "DDIM", undefined]) {
      const s = scheduleFor({ scheduler, steps: 50 });
      expect(s.points).toHaveLength(50);
      expect(s.points[0].timestep).toBe(981);
      expect(s.points[49].timestep).toBe(1);
      // leading: multiples of 1000 // N, plus 1, high to low
      s.points.forEach((p, i) => expect(p.timestep).toBe((49 - i) * 20 + 1));
      s.points.forEach((p) => expect(close(p.sigma, SIGMA[p.timestep])).toBe(true));
    }
    expect(scheduleFor({ steps: 30 }).points[0].timestep).toBe(29 * 33 + 1);
    expect(scheduleFor({}).note).toMatch(/model's own/);
  });

  it("trailing spacing starts at t = 999 and steps down by 1000/N", () => {
    expect(scheduleFor({ scheduler: "Euler (trailing timesteps)", steps: 4 }).points.map((p) => p.timestep)).toEqual([
      999, 749, 499, 249,
    ]);
    const ten = scheduleFor({ scheduler: "Euler (trailing timesteps)", steps: 10 });
    expect(ten.points.map((p) => p.timestep)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(ten.points[0].sigma).toBeCloseTo(14.6146, 4);
    // 1000/16 = 62.5: numpy rounds halves to even (937.5 → 938, 812.5 → 812)
    const sixteen = scheduleFor({ scheduler: "Euler (trailing timesteps)", steps: 16 }).points.map((p) => p.timestep);
    expect(sixteen.slice(0, 4)).toEqual([999, 937, 874, 811]);
  });

  it("DPM++ 2M uses leading spacing over N + 1 intervals and drops t = 0", () => {
    const s = scheduleFor({ scheduler: "DPM++ 2M", steps: 25 });
    const ratio = Math.floor(1000 / 26);
    expect(s.points.map((p) => p.timestep)).toEqual(Array.from({ length: 25 }, (_, i) => (25 - i) * ratio + 1));
    expect(scheduleFor({ scheduler: "DPM++ 2M SDE", steps: 25 }).points).toEqual(s.points);
  });

  it("Karras spacing follows Karras et al. eq. 5 (ρ = 7) between the table's sigma_min and sigma_max", () => {
    for (const steps of [1, 2, 10, 25, 150]) {
      const s = scheduleFor({ scheduler: "DPM++ 2M Karras", steps });
      expect(s.points).toHaveLength(steps);
      const smin = SIGMA[0];
      const smax = SIGMA[999];
      s.points.forEach((p, i) => {
        const ramp = steps === 1 ? 0 : i / (steps - 1);
        const expected = Math.pow(Math.pow(smax, 1 / 7) + ramp * (Math.pow(smin, 1 / 7) - Math.pow(smax, 1 / 7)), 7);
        expect(close(p.sigma, expected)).toBe(true);
        expect(Math.abs(p.timestep - plainSigmaToT(expected))).toBeLessThanOrEqual(0.5 + 1e-9);
        expect(Number.isInteger(p.timestep)).toBe(true);
      });
    }
    const ten = scheduleFor({ scheduler: "DPM++ 2M SDE Karras", steps: 10 });
    expect(ten.points[0]).toMatchObject({ timestep: 999 });
    expect(ten.points[9]).toMatchObject({ timestep: 0 });
    // Karras spends more of its steps at low noise than leading spacing does.
    const lowK = ten.points.filter((p) => p.sigma < 1).length;
    const lowE = scheduleFor({ scheduler: "Euler", steps: 10 }).points.filter((p) => p.sigma < 1).length;
    expect(lowK).toBeGreaterThan(lowE);
  });

  it("LCM and TCD pick evenly from the 50 distillation timesteps (19, 39, …, 999)", () => {
    const origin = Array.from({ length: 50 }, (_, i) => (i + 1) * 20 - 1).reverse();
    expect(scheduleFor({ scheduler: "LCM", steps: 4 }).points.map((p) => p.timestep)).toEqual([999, 759, 499, 259]);
    for (const steps of [1, 3, 6, 8, 50]) {
      const expected = Array.from({ length: steps }, (_, i) => origin[Math.floor((i * 50) / steps)]);
      expect(scheduleFor({ scheduler: "TCD", steps }).points.map((p) => p.timestep)).toEqual(expected);
    }
    expect(scheduleFor({ scheduler: "LCM", steps: 60 }).warnings.join(" ")).toMatch(/more than 50 steps/);
    expect(scheduleFor({ scheduler: "LCM (trailing timesteps)", steps: 4 }).points.map((p) => p.timestep)).toEqual([
      999, 749, 499, 249,
    ]);
  });

  it("custom timesteps go through the table; custom sigmas map back by log-sigma interpolation", () => {
    const t = scheduleFor({ scheduler: "Euler", timesteps: [999, 845, 730, 13], steps: 30 });
    expect(t.points.map((p) => p.timestep)).toEqual([999, 845, 730, 13]);
    t.points.forEach((p) => expect(close(p.sigma, SIGMA[p.timestep])).toBe(true));

    const between = Math.sqrt(SIGMA[500] * SIGMA[501]); // halfway in log-sigma
    const s = scheduleFor({ sigmas: [SIGMA[999], SIGMA[700], between, 0.5, 0] });
    expect(s.points).toHaveLength(4); // the trailing 0 is where the last step lands
    expect(s.points[0].timestep).toBeCloseTo(999, 6);
    expect(s.points[1].timestep).toBeCloseTo(700, 6);
    expect(s.points[2].timestep).toBeCloseTo(500.5, 6);
    expect(s.points[3].timestep).toBeCloseTo(plainSigmaToT(0.5), 6);
    expect(timestepForSigma(1e-6)).toBe(0);
    expect(timestepForSigma(1e6)).toBe(999);
  });

  it("every fal scheduler gives decreasing sigmas for 1–50 steps, and 150 Karras steps take well under a millisecond", () => {
    for (const scheduler of SCHEDULERS) {
      for (const steps of [1, 2, 7, 30, 50]) {
        const s = scheduleFor({ scheduler, steps });
        expect(s.points.length).toBe(steps);
        for (let i = 1; i < s.points.length; i++) expect(s.points[i].sigma).toBeLessThan(s.points[i - 1].sigma);
        expect(s.method.length).toBeGreaterThan(0);
      }
    }
  });

  it("refuses impossible step counts with a message naming the value", () => {
    expect(() => scheduleFor({ scheduler: "Euler", steps: 0 })).toThrow(/steps must be a whole number.*got 0/);
    expect(() => scheduleFor({ scheduler: "Euler", steps: 2.5 })).toThrow(/2\.5/);
    expect(scheduleFor({ scheduler: "Heun", steps: 5 }).warnings[0]).toMatch(/"Heun" is not a fal-ai\/lora scheduler/);
  });

  it("rounds halves to even like numpy", () => {
    expect([0.5, 1.5, 2.5, -0.5, 3.4, 3.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, 3, 4]);
  });
});
