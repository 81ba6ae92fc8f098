/**
 * The inspector's node views (loaded on demand by flow/nodeViews.tsx): the denoising timeline of an
 * output, the timeline of the output a ControlNet feeds with its own bar highlighted, and the
 * noise schedule of a Scheduler.
 */
import { useMemo, type ReactNode } from "react";
import { timelineFor } from "../../teach/timeline";
import { useEditor, useEditorStore } from "../store/react";
import { Timeline } from "./Timeline";
import { SchedulePlot } from "./SchedulePlot";
import type { NodeViewProps } from "../kit/nodeView";
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

function Section({ label, title, children }: { label: string; title: string; children: ReactNode }) {
  return (
    <section className="teach-section" aria-label={label}>
      <h4 className="section">{title}</h4>
      {children}
    </section>
  );
}

export const DenoiseTimelineSection = ({ nodeId }: Pick<NodeViewProps, "nodeId">) => (
  <Section label="Denoising timeline" title="Denoising timeline">
    <Timeline samplerId={nodeId} />
  </Section>
);

export const ControlWindowSection = ({ nodeId }: Pick<NodeViewProps, "nodeId">) => (
  <Section label="Denoising timeline" title="When it acts">
    <ControlNetTimeline id={nodeId} />
  </Section>
);

export const SchedulePlotSection = ({ nodeId }: Pick<NodeViewProps, "nodeId">) => (
  <Section label="Noise schedule" title="Noise schedule">
    <SchedulePlot nodeId={nodeId} />
  </Section>
);
