/**
 * ComfyUI subgraphs become components (src/interop/comfyui/components.ts): after the import's
 * request is a graph, the nodes one subgraph instance produced are one component instance, and
 * the pipeline still compiles to the same request.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile, importRequest, titleNodesByPath } from "../../src/compiler";
import { componentRegistry, type WorkflowDocument } from "../../src/graph";
import { importComfy, subgraphsToComponents, type ComfyImport } from "../../src/interop/comfyui";
import { sdxlLoraWorkflow, styleSubgraphWorkflow } from "./comfyFixtures";

async function asGraph(r: ComfyImport) {
  const imported = await importRequest({ endpoint: r.endpoint, input: r.request }, registry, { name: "t" });
  const maps = compile(imported.document, registry).outputs.map((o) => o.sourceMap);
  return { doc: titleNodesByPath(imported.document, maps, r.labels), maps };
}

const requestOf = (doc: WorkflowDocument) => {
  const out = compile(doc, registry).outputs[0];
  return out.input ?? out.partial;
};

describe("ComfyUI subgraphs become components", () => {
  it("the subgraph's LoRA is one instance named after it, wired where the LoRA was; the request is unchanged", async () => {
    const r = importComfy(styleSubgraphWorkflow().workflow);
    const { doc, maps } = await asGraph(r);
    const made = subgraphsToComponents(doc, maps, r, registry);
    const { document } = made;
    expect(document.components?.map((c) => [c.id, c.title, c.nodes.map((n) => n.label)])).toEqual([
      ["comfyui/style", "Style", ["castle.safetensors"]],
    ]);
    const instance = document.nodes.find((n) => n.type.startsWith("component:comfyui/style@"))!;
    expect(instance.label).toBe("Style");
    // The other LoRA (outside the subgraph) stays a plain node; the instance sits in the chain.
    expect(document.nodes.filter((n) => n.type === "lora")).toHaveLength(1);
    expect(document.edges.some((e) => e.source === instance.id)).toBe(true);
    expect(document.edges.some((e) => e.target === instance.id)).toBe(true);
    expect(requestOf(document)).toEqual(requestOf(doc));
    expect(made.notes).toEqual([
      { severity: "info", source: "node 50", message: 'Subgraph "Style": became the component "Style" (1 nodes)' },
    ]);
    // The registry view knows the instance's ports, so the editor can draw and lay it out.
    const types = componentRegistry(registry, document.components);
    expect(types.get(instance.type)?.inputs.map((p) => p.kind)).toEqual(["model"]);
  });

  it("a workflow without subgraphs, or a subgraph that maps to nothing, is left as it is, with a note", async () => {
    const plain = importComfy(sdxlLoraWorkflow().v1());
    const { doc, maps } = await asGraph(plain);
    expect(subgraphsToComponents(doc, maps, plain, registry)).toEqual({ document: doc, notes: [] });
    const r = importComfy(styleSubgraphWorkflow().workflow);
    const emptied = {
      ...r,
      subgraphs: r.subgraphs.map((s) => ({ ...s, instances: [{ nodeId: "50", innerNodeIds: ["99"] }] })),
    };
    const g = await asGraph(r);
    const made = subgraphsToComponents(g.doc, g.maps, emptied, registry);
    expect(made.document).toBe(g.doc);
    expect(made.notes[0].message).toMatch(/none of its nodes maps to a fal field/);
  });
});
