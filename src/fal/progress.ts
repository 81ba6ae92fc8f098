import type { Progress, RequestLog } from "./types.ts";

const STEP_PATTERNS = [/\bstep\s+(\d+)\s*\/\s*(\d+)/i, /(\d+)\s*\/\s*(\d+)\s*\[/];

/**
 * The latest progress found in fal logs ("Step 3/30" or a tqdm bar "9/30 [00:01<…").
 * @example parseProgress([{ message: "Step 3/30" }]) // → { step: 3, total: 30 }
 */
export function parseProgress(logs: readonly RequestLog[] | null | undefined): Progress | null {
  if (!Array.isArray(logs)) return null;
  for (let i = logs.length - 1; i >= 0; i--) {
    const msg = logs[i]?.message;
    if (typeof msg !== "string") continue;
    for (const re of STEP_PATTERNS) {
      const m = re.exec(msg);
      if (!m) continue;
      const step = Number(m[1]);
      const total = Number(m[2]);
      if (Number.isSafeInteger(step) && Number.isSafeInteger(total) && total > 0 && step >= 0 && step <= total) {
        return { step, total };
      }
    }
  }
  return null;
}
