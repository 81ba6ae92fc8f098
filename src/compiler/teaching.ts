/**
 * Warnings that teach: each says what is wrong, why it matters and how to fix it.
 * They look only at the request and its sourceMap, so they work for any graph shape.
 */
import type { Diagnostic } from "../graph";
import type { SourceMap } from "./compile";

export type ModelFamily = "sd15" | "sdxl";

const FAMILY_LABEL: Record<ModelFamily, string> = { sd15: "SD1.5", sdxl: "SDXL" };
const NO_UPPER_ASCII = /^[\x00-\x40\x5b-\x7f]*$/;
// Named once here: a regex literal in the function would be a new RegExp object on every call,
// and a request asks this of thousands of paths (docs/benchmarks.md#the-compiler).
const SDXL_NAME = /(^|[^a-z0-9])(sdxl|xl)([^a-z0-9]|$)|sdxl|[-_]xl[-_.]|-xl$|_xl$|stable-diffusion-xl/;
const SD15_NAME = /sd[-_ ]?1[-_.]?5|sd15|v1[-_]5|stable-diffusion-v1|sd-v1|[-_]15[-_.]|runwayml/;

/**
 * Guesses a model's family from its name or URL. Names are only hints (InvokeAI stores the base in
 * model metadata; we have only paths), so the result feeds warnings, never errors.
 */
export function guessFamily(path: string): ModelFamily | undefined {
  // Most paths are already lower-case ASCII, for which toLowerCase() is the identity but still
  // allocates a copy; requests hold thousands of them.
  const s = NO_UPPER_ASCII.test(path) ? path : path.toLowerCase();
  if (SDXL_NAME.test(s)) return "sdxl";
  if (SD15_NAME.test(s)) return "sd15";
  return undefined;
}

/** Compel syntax: (words)1.2, word++, word--, .and(), .blend(). */
const WEIGHTING = /\([^()]+\)\s*[0-9.]+|[\w)]\+{1,}(?=\s|,|$)|[\w)]-{2,}(?=\s|,|$)|\.and\(|\.blend\(/;
/** A1111's (words:1.2), which Compel (fal's parser) reads as plain text. */
const A1111_WEIGHT = /\([^()]+:\s*[0-9.]+\)/;

export function usesPromptWeighting(text: string): boolean {
  return WEIGHTING.test(text);
}

export function usesA1111Weighting(text: string): boolean {
  return A1111_WEIGHT.test(text);
}

/** `sourceMap` may be a function so the map is only built when a warning needs it. */
export function teachingWarnings(
  request: Record<string, unknown>,
  sourceMapOrGetter: SourceMap | (() => SourceMap),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  let cached: SourceMap | undefined;
  const sm = () => (cached ??= typeof sourceMapOrGetter === "function" ? sourceMapOrGetter() : sourceMapOrGetter);
  const base = typeof request.model_name === "string" ? request.model_name : undefined;
  const baseFamily = base ? guessFamily(base) : undefined;
  if (baseFamily) {
    for (const [list, what] of [
      ["loras", "LoRA"],
      ["controlnets", "ControlNet"],
      ["embeddings", "embedding"],
    ] as const) {
      const items = Array.isArray(request[list]) ? (request[list] as { path?: unknown }[]) : [];
      items.forEach((item, i) => {
        if (typeof item?.path !== "string") return;
        const fam = guessFamily(item.path);
        if (!fam || fam === baseFamily) return;
        const src = sm()[`${list}.${i}.path`] ?? sm()[`${list}.${i}`];
        out.push({
          severity: "warning",
          code: "model-family-mismatch",
          message: `This ${what} looks built for ${FAMILY_LABEL[fam]} but the base model looks ${FAMILY_LABEL[baseFamily]}. Weights of one family do not fit the other: the ${what} will be ignored or will break the image. Use a ${FAMILY_LABEL[baseFamily]} ${what}, or change the base model.`,
          nodeId: src?.nodeId,
          field: src?.field ?? "path",
          path: `${list}.${i}.path`,
        });
      });
    }
  }

  const text = `${typeof request.prompt === "string" ? request.prompt : ""} ${typeof request.negative_prompt === "string" ? request.negative_prompt : ""}`;
  const weighted = usesPromptWeighting(text);
  const src = () => sm().prompt_weighting ?? sm().prompt;
  const a1111 = A1111_WEIGHT.exec(text)?.[0];
  if (a1111) {
    out.push({
      severity: "warning",
      code: "prompt-weighting-off",
      message: `${a1111} is AUTOMATIC1111 syntax; fal reads prompts with Compel, which takes it as plain text. Write it as (words)1.2 and turn on Prompt weighting.`,
      nodeId: sm().prompt?.nodeId ?? src()?.nodeId,
      field: "prompt",
      path: "prompt",
    });
  }
  if (weighted && request.prompt_weighting !== true) {
    out.push({
      severity: "warning",
      code: "prompt-weighting-off",
      message:
        "The prompt uses weighting syntax such as (word)1.2 or word++, but Prompt weighting is off, so the brackets and signs are read as plain text. Turn on Prompt weighting, or remove the syntax.",
      nodeId: src()?.nodeId,
      field: "prompt_weighting",
      path: "prompt_weighting",
    });
  } else if (!weighted && !a1111 && request.prompt_weighting === true) {
    out.push({
      severity: "info",
      code: "prompt-weighting-unused",
      message:
        "Prompt weighting is on but the prompt uses no weighting syntax. That is fine (it also lifts the 77-token limit); to emphasise a phrase write (phrase)1.3 or phrase++.",
      nodeId: src()?.nodeId,
      field: "prompt_weighting",
      path: "prompt_weighting",
    });
  }
  return out;
}
