// @vitest-environment happy-dom
// The compact pictures inside canvas nodes: the Sampler's strip has one bar per ControlNet that
// follows the ControlNet's window, clicking it opens the inspector, and its timeline is only
// recomputed when something it reads changes; the Scheduler's sparkline has one point per step.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { registry } from "../../nodes";
import { loadWorkflow } from "../../src/graph";
import { examples } from "../../src/examples";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider, useEditor } from "../../src/editor/store/react";
import { SamplerStrip, SchedulerSpark, useSamplerTimeline } from "../../src/editor/teach/NodeStripsView";
import { generatePipeline } from "../bench/compile";

afterEach(cleanup);

function maskedControlnet() {
  const ex = examples.find((e) => e.id === "masked-controlnet")!;
  const r = loadWorkflow(structuredClone(ex.document), registry);
  if (!r.ok) throw new Error("example does not load");
  return createEditor({ registry, document: r.document, makeId: counterIds() });
}

const widthOf = (el: Element) => parseFloat((el as HTMLElement).style.width);

describe("Sampler strip", () => {
  it("draws one bar per ControlNet, and a bar follows an edit to end_percentage", () => {
    const editor = maskedControlnet();
    const { store } = editor;
    const view = render(
      <EditorProvider editor={editor}>
        <SamplerStrip nodeId="sampler" />
      </EditorProvider>,
    );
    const bars = () => [...view.container.querySelectorAll("[data-cn]")];
    expect(bars().map((b) => b.getAttribute("data-cn"))).toEqual(["canny"]);
    // end 0.8 of 30 steps: diffusers acts on steps with (i+1)/30 ≤ 0.8, i.e. the first 24.
    expect(bars()[0].getAttribute("data-last")).toBe("23");
    expect(widthOf(bars()[0])).toBeCloseTo(80, 2);

    act(() => store.setParam("canny", "end_percentage", 0.5));
    expect(bars()[0].getAttribute("data-last")).toBe("14");
    expect(widthOf(bars()[0])).toBeCloseTo(50, 2);

    // A second ControlNet spliced in between the prompt and the first gets its own bar.
    act(() => {
      const cn = store.addNode("controlnet", { x: 0, y: 0 }, { params: { end_percentage: 0.3 } });
      store.connect({ node: "prompt", port: "conditioning" }, { node: cn, port: "conditioning" });
      store.connect({ node: cn, port: "conditioning" }, { node: "canny", port: "conditioning" }, { replace: true });
    });
    expect(bars()).toHaveLength(2);
    expect(bars().map((b) => b.getAttribute("data-last"))).toContain("8");
  });

  it("shows at most six ControlNet rows in the node and says how many more the inspector has", () => {
    const editor = maskedControlnet();
    const { store } = editor;
    act(() => {
      let into = "canny";
      for (let i = 0; i < 9; i++) {
        const cn = store.addNode("controlnet", { x: 0, y: 0 });
        store.connect({ node: "prompt", port: "conditioning" }, { node: cn, port: "conditioning" });
        store.connect({ node: cn, port: "conditioning" }, { node: into, port: "conditioning" }, { replace: true });
        into = cn;
      }
    });
    const view = render(
      <EditorProvider editor={editor}>
        <SamplerStrip nodeId="sampler" />
      </EditorProvider>,
    );
    expect(view.container.querySelectorAll("[data-cn]")).toHaveLength(6);
    expect(view.container.textContent).toContain("+4 more ControlNets");
  });

  it("clicking the strip selects the Sampler and opens the inspector tab", () => {
    const editor = maskedControlnet();
    const { store, ui } = editor;
    ui.set({ tab: "request" });
    const view = render(
      <EditorProvider editor={editor}>
        <SamplerStrip nodeId="sampler" />
      </EditorProvider>,
    );
    fireEvent.click(view.container.querySelector(".nstrip")!);
    expect(store.getState().selection.nodes).toEqual(["sampler"]);
    expect(ui.get().tab).toBe("inspector");
  });

  it("keeps the same timeline when an unrelated field or a position changes, and recomputes on a ControlNet edit", () => {
    const editor = maskedControlnet();
    const { store } = editor;
    const wrapper = ({ children }: { children: ReactNode }) => (
      <EditorProvider editor={editor}>{children}</EditorProvider>
    );
    const { result } = renderHook(() => useSamplerTimeline("sampler"), { wrapper });
    const first = result.current;
    expect(first?.controlNets).toHaveLength(1);
    act(() => store.setParam("prompt", "prompt", "a different prompt"));
    act(() => store.moveNodes([{ id: "canny", position: { x: 900, y: 100 } }]));
    expect(result.current).toBe(first);
    act(() => store.setParam("canny", "start_percentage", 0.2));
    expect(result.current).not.toBe(first);
    expect(result.current?.controlNets[0].start).toBe(0.2);
  });

  it("reads none of the Sampler's ancestors when nodes were only moved (a drop in a big graph)", () => {
    // Each ancestor's type is looked up in the registry while the timeline's key is built.
    let reads = 0;
    const counting = new Proxy(registry, {
      get: (target, key) => {
        const v = Reflect.get(target, key, target);
        if (key === "get") return (type: string) => (reads++, target.get(type));
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const doc = generatePipeline(400);
    const sampler = doc.nodes.find((n) => n.type === "sampler")!.id;
    const lora = doc.nodes.find((n) => n.type === "lora")!.id;
    const editor = createEditor({ registry: counting, document: doc, makeId: counterIds() });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <EditorProvider editor={editor}>{children}</EditorProvider>
    );
    const { result } = renderHook(() => useSamplerTimeline(sampler), { wrapper });
    const first = result.current;
    expect(first).not.toBeNull();
    reads = 0;
    act(() => editor.store.moveNodes([{ id: lora, position: { x: -900, y: 60 } }]));
    expect(result.current).toBe(first);
    expect(reads).toBe(0);
    // An edit of an ancestor is looked at again.
    act(() => editor.store.setParam(lora, "scale", 0.9));
    expect(reads).toBeGreaterThan(300);
  });
});

describe("Scheduler sparkline", () => {
  it("has one point per step and follows a step-count edit", () => {
    const editor = createEditor({ registry, makeId: counterIds() });
    const store = editor.store;
    const id = store.addNode(
      "scheduler",
      { x: 0, y: 0 },
      { params: { scheduler: "DPM++ 2M Karras", num_inference_steps: 12 } },
    );
    // As GraphNode mounts it: with the node's params, re-rendered when the node changes.
    const Spark = () => <SchedulerSpark params={useEditor((s) => s.document.nodes.find((n) => n.id === id)!.params)} />;
    const view = render(
      <EditorProvider editor={editor}>
        <Spark />
      </EditorProvider>,
    );
    const points = () => view.container.querySelector(".nspark polyline")!.getAttribute("points")!.trim().split(/\s+/);
    expect(points()).toHaveLength(12);
    // Highest sigma at the top (y near 0), the last step at the bottom.
    const ys = points().map((p) => Number(p.split(",")[1]));
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(view.container.textContent).toContain("12 steps · DPM++ 2M Karras");

    act(() => store.setParam(id, "num_inference_steps", 5));
    expect(points()).toHaveLength(5);
    expect(view.container.textContent).toContain("5 steps · DPM++ 2M Karras");
  });
});
