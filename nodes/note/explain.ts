import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary: "A note for people reading the pipeline. It is never sent to fal and never rendered as HTML.",
  params: { text: "Plain text." },
};

export default explain;
