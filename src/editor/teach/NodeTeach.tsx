/**
 * The picture the inspector shows for a node, loaded on demand: the denoising timeline for a
 * Sampler (and for a ControlNet, the timeline of the Sampler it feeds, its own bar highlighted),
 * the noise schedule for a Scheduler.
 */
import { useMemo } from "react";
import { timelineFor } from "../../teach/timeline";
import { useEditor, useEditorStore } from "../store/react";
import { Timeline } from "./Timeline";
import { SchedulePlot } from "./SchedulePlot";
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

export default function NodeTeach({ nodeId, type }: { nodeId: string; type: string }) {
  const store = useEditorStore();
  const isOutput = !!store.registry.get(type)?.isOutput;
  if (isOutput) {
    return (
      <section className="teach-section" aria-label="Denoising timeline">
        <h4 className="section">Denoising timeline</h4>
        <Timeline samplerId={nodeId} />
      </section>
    );
  }
  if (type === "controlnet") {
    return (
      <section className="teach-section" aria-label="Denoising timeline">
        <h4 className="section">When it acts</h4>
        <ControlNetTimeline id={nodeId} />
      </section>
    );
  }
  if (type === "scheduler") {
    return (
      <section className="teach-section" aria-label="Noise schedule">
        <h4 className="section">Noise schedule</h4>
        <SchedulePlot nodeId={nodeId} />
      </section>
    );
  }
  return null;
}
