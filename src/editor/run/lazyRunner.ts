/**
 * A Runner that loads @fal-ai/client (and the runner around it, ~60 kB of the editor's first
 * load) the first time something is run, uploaded or cancelled, instead of at page load.
 * `options` may be a promise: calls wait for it (a proxy the user has not yet agreed to).
 */
import type { Runner, RunnerOptions } from "../../fal/runner";
import { whenIdle } from "../lazy";

export function lazyRunner(options: RunnerOptions | Promise<RunnerOptions>): Runner {
  let loading: Promise<Runner> | null = null;
  const real = () =>
    (loading ??= Promise.all([options, import("../../fal/runner")]).then(([o, m]) => m.createRunner(o)));
  // Fetched at the first idle moment, ahead of the other prefetches: a Run pressed as soon as the
  // button is enabled otherwise waited behind ~30 of them for the client (docs/benchmarks.md).
  if (typeof requestIdleCallback === "function") whenIdle(() => real().catch(() => (loading = null)), { urgent: true });
  return {
    submit: async (...a) => (await real()).submit(...a),
    follow: async (...a) => (await real()).follow(...a),
    cancel: async (...a) => (await real()).cancel(...a),
    upload: async (...a) => (await real()).upload(...a),
    run: async (...a) => (await real()).run(...a),
  };
}
