// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { z } from "zod";
import { param, WIDGET_KINDS, type ParamSpec } from "../../src/graph";
import { WIDGETS } from "../../src/editor/fields/widgets";
import { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import type { ReactNode } from "react";
import { stubRegistry } from "./stubRegistry";

afterEach(cleanup);

function mount(spec: ParamSpec, value: unknown) {
  const onChange = vi.fn();
  const Widget = WIDGETS[spec.widget];
  const editor = createEditor({ registry: stubRegistry });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <EditorProvider editor={editor}>{children}</EditorProvider>
  );
  const utils = render(<Widget spec={spec} value={value as never} onChange={onChange} id="f" />, { wrapper });
  return { onChange, ...utils };
}

describe("widget map", () => {
  it("has a component for every widget kind", () => {
    expect(Object.keys(WIDGETS).sort()).toEqual([...WIDGET_KINDS].sort());
  });
});

describe("slider", () => {
  const spec = param.float({ label: "Scale", description: "", min: 0, max: 2, step: 0.1, default: 1 });
  it("shows a range bounded by the spec and a number box; both edit the value", () => {
    const { onChange } = mount(spec, 0.5);
    const range = screen.getByRole("slider") as HTMLInputElement;
    expect([range.min, range.max, range.step]).toEqual(["0", "2", "0.1"]);
    fireEvent.change(range, { target: { value: "1.3" } });
    expect(onChange).toHaveBeenLastCalledWith(1.3);
    const box = document.getElementById("f") as HTMLInputElement;
    fireEvent.change(box, { target: { value: "0." } });
    expect(box.value).toBe("0.");
    expect(onChange).toHaveBeenLastCalledWith(0);
    fireEvent.change(box, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith(undefined);
  });
  it("arrow keys step and clamp to the bounds", () => {
    const { onChange } = mount(spec, 1.95);
    fireEvent.keyDown(document.getElementById("f")!, { key: "ArrowUp" });
    expect(onChange).toHaveBeenLastCalledWith(2);
  });
  it("falls back to a number box when the spec has no range", () => {
    mount(param.float({ label: "X", description: "", step: 0.05 }), 3);
    expect(screen.queryByRole("slider")).toBeNull();
  });
});

describe("seed", () => {
  it("randomizes to a whole number and clears to undefined", () => {
    const spec = param.int({ label: "Seed", description: "", widget: "seed", min: 0 });
    const { onChange } = mount(spec, 42);
    fireEvent.click(screen.getByLabelText("Randomize seed"));
    const v = onChange.mock.calls[0][0];
    expect(Number.isInteger(v) && v >= 0).toBe(true);
    fireEvent.click(screen.getByLabelText("Clear seed"));
    expect(onChange).toHaveBeenLastCalledWith(undefined);
  });
});

describe("select and toggle", () => {
  it("select offers the options and an unset choice when the param is optional", () => {
    const { onChange } = mount(param.enum(["a", "b"] as const, { label: "E", description: "" }), undefined);
    const sel = document.getElementById("f") as HTMLSelectElement;
    expect([...sel.options].map((o) => o.value)).toEqual(["", "a", "b"]);
    fireEvent.change(sel, { target: { value: "b" } });
    expect(onChange).toHaveBeenLastCalledWith("b");
  });
  it("toggle flips the effective value (default when unset)", () => {
    const { onChange } = mount(param.bool({ label: "T", description: "", default: true }), undefined);
    fireEvent.click(screen.getByRole("switch"));
    expect(onChange).toHaveBeenLastCalledWith(false);
  });
});

describe("list editors", () => {
  const ints = param.custom(z.array(z.number().int()), "intList", { label: "Timesteps", description: "" });
  it("intList parses comma/space separated whole numbers", () => {
    const { onChange } = mount(ints, undefined);
    fireEvent.change(document.getElementById("f")!, { target: { value: "999, 749 499" } });
    expect(onChange).toHaveBeenLastCalledWith([999, 749, 499]);
  });
  it("intList keeps bad text, says which token is wrong, and does not change the value", () => {
    const { onChange } = mount(ints, [1]);
    fireEvent.change(document.getElementById("f")!, { target: { value: "1, 2.5" } });
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByText('"2.5" is not a whole number')).toBeTruthy();
  });
  it("floatList accepts decimals and an empty list clears the param", () => {
    const { onChange } = mount(
      param.custom(z.array(z.number()), "floatList", { label: "Sigmas", description: "" }),
      [1],
    );
    fireEvent.change(document.getElementById("f")!, { target: { value: "14.6, 0.5,0" } });
    expect(onChange).toHaveBeenLastCalledWith([14.6, 0.5, 0]);
    fireEvent.change(document.getElementById("f")!, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith(undefined);
  });
});

describe("list editors with fal's {method, array} shape", () => {
  const sigmas = param.custom(
    z.object({ method: z.enum(["default", "array"]), array: z.array(z.number()) }),
    "floatList",
    { label: "Sigmas", description: "" },
  );
  it("shows the array of a {method, array} value and writes edits back in that shape", () => {
    const { onChange } = mount(sigmas, { method: "array", array: [14.6, 6.3] });
    const box = document.getElementById("f") as HTMLInputElement;
    expect(box.value).toBe("14.6, 6.3");
    fireEvent.change(box, { target: { value: "14.6, 6.3, 0" } });
    expect(onChange).toHaveBeenLastCalledWith({ method: "array", array: [14.6, 6.3, 0] });
  });
});

describe("imageSize", () => {
  const spec = param.custom(z.unknown(), "imageSize", { label: "Size", description: "" });
  it("switches between a preset and a custom width/height", () => {
    const { onChange, rerender } = mount(spec, "square_hd");
    fireEvent.change(document.getElementById("f")!, { target: { value: "__custom" } });
    expect(onChange).toHaveBeenLastCalledWith({ width: 1024, height: 1024 });
    const Widget = WIDGETS.imageSize;
    rerender(<Widget spec={spec} value={{ width: 1024, height: 1024 }} onChange={onChange} id="f" />);
    fireEvent.change(screen.getByLabelText("Height"), { target: { value: "768" } });
    expect(onChange).toHaveBeenLastCalledWith({ width: 1024, height: 768 });
  });
});

describe("keyValue", () => {
  const spec = param.custom(z.record(z.string(), z.unknown()), "keyValue", { label: "Scales", description: "" });
  it("edits entries with JSON values", () => {
    const { onChange } = mount(spec, undefined);
    fireEvent.click(screen.getByText("+ Add entry"));
    fireEvent.change(screen.getByLabelText("Key 1"), { target: { value: "up" } });
    fireEvent.change(screen.getByLabelText("Value 1"), { target: { value: '{"block_0":[0,1]}' } });
    expect(onChange).toHaveBeenLastCalledWith({ up: { block_0: [0, 1] } });
    fireEvent.click(screen.getByLabelText("Remove row 1"));
    expect(onChange).toHaveBeenLastCalledWith(undefined);
  });
  it("a __proto__ key stays an own property and pollutes nothing", () => {
    const { onChange } = mount(spec, undefined);
    fireEvent.click(screen.getByText("+ Add entry"));
    fireEvent.change(screen.getByLabelText("Key 1"), { target: { value: "__proto__" } });
    fireEvent.change(screen.getByLabelText("Value 1"), { target: { value: '{"x":1}' } });
    const v = onChange.mock.calls.at(-1)![0];
    expect(Object.prototype.hasOwnProperty.call(v, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("image", () => {
  const spec = param.custom(z.string(), "image", { label: "Image", description: "" });
  it("never loads a remote URL until the user asks, then without a referrer", () => {
    mount(spec, "https://example.com/tracker.png");
    expect(document.querySelector("img")).toBeNull();
    fireEvent.click(screen.getByText("Load preview"));
    const img = document.querySelector("img")!;
    expect(img.getAttribute("src")).toBe("https://example.com/tracker.png");
    expect(img.getAttribute("referrerpolicy")).toBe("no-referrer");
  });
  it("shows a data: URI thumbnail at once", () => {
    mount(spec, "data:image/png;base64,iVBORw0KGgo=");
    expect(document.querySelector("img")?.getAttribute("src")).toMatch(/^data:image\/png/);
  });
  it("shows files uploaded to fal storage or to this server at once; other hosts still wait", () => {
    mount(spec, "https://v3.fal.media/files/rabbit/castle.png");
    expect(document.querySelector("img")?.getAttribute("src")).toBe("https://v3.fal.media/files/rabbit/castle.png");
  });
  it("a host that only ends like fal's is a third party", () => {
    mount(spec, "https://evilfal.media.example.com/x.png");
    expect(document.querySelector("img")).toBeNull();
    mount(spec, "https://notfal.media/x.png");
    expect(screen.getAllByText("Load preview").length).toBe(2);
  });
  it("a changed URL needs a new approval", () => {
    const { rerender, onChange } = mount(spec, "https://a.example/1.png");
    fireEvent.click(screen.getByText("Load preview"));
    rerender(<WIDGETS.image spec={spec} value="https://b.example/2.png" onChange={onChange} id="f" />);
    expect(document.querySelector("img")).toBeNull();
  });
});
