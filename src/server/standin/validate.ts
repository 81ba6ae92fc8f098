/**
 * Submit-time validation for the stand-in, with the same request schema the compiler uses,
 * so "valid in the editor" and "accepted by the stand-in" can never drift apart.
 * fal rejects schema errors at submit with 422 `{detail:[{loc:["body",…],msg,type}]}`.
 */
import { IMAGE_SIZE_PRESETS, inputSchemaFor, toFalValidationDetail } from "../../compiler/index.ts";
import type { LoraEndpoint } from "../allowlist.ts";

export interface FalFieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export const PRESETS: Readonly<Record<string, { width: number; height: number }>> = IMAGE_SIZE_PRESETS;

/** Returns fal-style field errors (empty when valid). */
export function validateInput(endpoint: LoraEndpoint, input: unknown): FalFieldError[] {
  try {
    const parsed = inputSchemaFor(endpoint).safeParse(input);
    return parsed.success ? [] : toFalValidationDetail(parsed.error);
  } catch {
    // Pathological input (e.g. very deep nesting) can make a schema throw instead of failing.
    return [
      { loc: ["body"], msg: "Input could not be validated (too deeply nested or malformed).", type: "value_error" },
    ];
  }
}
