/**
 * Mount point of the small read-only pictures inside canvas nodes: the denoising strip in a
 * Sampler and the sigma sparkline in a Scheduler. Always loaded, so it stays tiny: the drawing
 * code (and the schedule math) loads the first time such a node is on screen. The caller leaves
 * it out in the zoomed-out low-detail mode.
 */
import { lazy, Suspense } from "react";

const SamplerStrip = lazy(() => import("./NodeStripsView").then((m) => ({ default: m.SamplerStrip })));
const SchedulerSpark = lazy(() => import("./NodeStripsView").then((m) => ({ default: m.SchedulerSpark })));

export function NodeStrip({
  id,
  type,
  isOutput,
  params,
}: {
  id: string;
  type: string;
  isOutput: boolean;
  params: Record<string, unknown>;
}) {
  if (!isOutput && type !== "scheduler") return null;
  // The placeholder keeps roughly the strip's height so the node does not jump when it loads.
  return (
    <Suspense fallback={<div className="nstrip-wait" style={{ height: 30 }} />}>
      {isOutput ? <SamplerStrip id={id} /> : <SchedulerSpark params={params} />}
    </Suspense>
  );
}
