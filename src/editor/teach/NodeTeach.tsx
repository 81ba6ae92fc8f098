/**
 * The inspector's node views (loaded on demand by nodeViews.tsx): the denoising timeline of an
 * output, the timeline of the output a ControlNet feeds with its own bar highlighted, and the
 * noise schedule of a Scheduler.
 */
import { useMemo } from "react";
import { timelineFor } from "../../teach/timeline";
import { useEditor, useEditorStore } from "../store/react";
import { Timeline } from "./Timeline";
import { SchedulePlot } from "./SchedulePlot";
import type { NodeViewProps } from "./nodeViews";
import "./teach.css";

/** The Samplers whose timeline lists this ControlNet. */
function useSamplersOf(controlNetId: string): string[] {
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  return useMemo(() => {
    const out: string[] = [];
    for (const n of doc.nodes) {
      if (!store.registry.get(n.type)?.isOutput) continue;
      try {
        if (timelineFor(doc, store.registry, n.id).controlNets.some((c) => c.nodeId === controlNetId)) out.push(n.id);
      } catch {
        // not a timeline-able output
      }
    }
    return out;
  }, [doc, store, controlNetId]);
}

function ControlNetTimeline({ id }: { id: string }) {
  const samplers = useSamplersOf(id);
  if (!samplers.length) {
    return (
      <p className="field-desc">
        Wire this ControlNet into a Sampler's conditioning to see when it acts on the denoising timeline.
      </p>
    );
  }
  return <Timeline samplerId={samplers[0]} highlight={id} />;
}

export function DenoiseTimelineSection({ nodeId }: Pick<NodeViewProps, "nodeId">) {
  return (
    <section className="teach-section" aria-label="Denoising timeline">
      <h4 className="section">Denoising timeline</h4>
      <Timeline samplerId={nodeId} />
    </section>
  );
}

export function ControlWindowSection({ nodeId }: Pick<NodeViewProps, "nodeId">) {
  return (
    <section className="teach-section" aria-label="Denoising timeline">
      <h4 className="section">When it acts</h4>
      <ControlNetTimeline id={nodeId} />
    </section>
  );
}

export function SchedulePlotSection({ nodeId }: Pick<NodeViewProps, "nodeId">) {
  return (
    <section className="teach-section" aria-label="Noise schedule">
      <h4 className="section">Noise schedule</h4>
      <SchedulePlot nodeId={nodeId} />
    </section>
  );
}
