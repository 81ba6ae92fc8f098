import type { NodeCategory } from "../src/graph";

/**
 * The palette's groups and their colours. A definition points at one of these objects; the
 * registry lists the categories in the order their first node appears in `allNodes`, and refuses
 * two categories of one name with different colours. A new node type may bring its own category
 * object: it needs no entry here.
 */
export const categories = {
  model: { name: "Model", color: "#a78bfa" },
  conditioning: { name: "Conditioning", color: "#f59e0b" },
  image: { name: "Image", color: "#38bdf8" },
  sampling: { name: "Sampling", color: "#34d399" },
  output: { name: "Output", color: "#fb7185" },
  utility: { name: "Utility", color: "#94a3b8" },
} as const satisfies Record<string, NodeCategory>;
