// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { Inspector } from "../../src/editor/panels/Inspector";
import { ProblemsPanel } from "../../src/editor/panels/ProblemsPanel";
import { ROOT, sourceFiles } from "../architecture/imports";

// The editor loads the compiler after its first paint; these views need its results at once.

afterEach(cleanup);

function setup() {
  const editor = createEditor({ registry, ...{ makeId: counterIds() } });
  const store = editor.store;
  const base = store.addNode("base_model", { x: 0, y: 0 });
  const lora = store.addNode("lora", { x: 200, y: 0 });
  store.connect({ node: base, port: "model" }, { node: lora, port: "model" });
  store.setSelection({ nodes: [lora] });
  render(
    <EditorProvider editor={editor}>
      <Inspector />
      <ProblemsPanel />
    </EditorProvider>,
  );
  return { store, base, lora };
}

/** The node inspector loads on first selection (a lazy part): wait for it, not for time. */
async function setupLoaded() {
  const made = setup();
  await screen.findByLabelText("Node name", {}, { timeout: 10_000 });
  return made;
}

describe("inspector + live diagnostics", () => {
  it("shows every param of the selected node with its description, advanced ones included", async () => {
    await setupLoaded();
    const def = registry.getOrThrow("lora");
    for (const spec of Object.values(def.params)) expect(screen.getAllByText(spec.label).length).toBeGreaterThan(0);
    const someAdvanced = Object.values(def.params).find((s) => s.advanced);
    if (someAdvanced) expect(screen.getAllByText(someAdvanced.description).length).toBeGreaterThan(0);
  });

  it("an invalid field shows its error on the field and in the problems list; fixing it clears both at once", async () => {
    const { store, lora } = await setupLoaded();
    act(() => store.setParam(lora, "scale", "lots"));
    const field = document.querySelector('.inspector [data-field="scale"]')!;
    expect(field.className).toMatch(/has-error/);
    const before = document.querySelectorAll(".problem.error").length;
    expect(before).toBeGreaterThan(0);
    const box = field.querySelector("input.num") as HTMLInputElement;
    fireEvent.change(box, { target: { value: "0.8" } });
    expect(store.getState().document.nodes[1].params.scale).toBe(0.8);
    expect(document.querySelector('.inspector [data-field="scale"]')!.className).not.toMatch(/has-error/);
    expect(document.querySelectorAll(".problem.error").length).toBeLessThan(before);
  });

  it("renders user text (labels, notes) as text, never as HTML", async () => {
    const { store, lora } = await setupLoaded();
    act(() => store.rename(lora, "<img src=x onerror=alert(1)>"));
    expect(document.querySelector("img[src=x]")).toBeNull();
    expect((screen.getByLabelText("Node name") as HTMLInputElement).value).toBe("<img src=x onerror=alert(1)>");
  });
});

describe("editor source", () => {
  it("loads elkjs only through dynamic import anywhere the editor can reach (it must stay out of the initial bundle)", () => {
    const files = sourceFiles(["src", "nodes"]);
    // A worker's own imports load in the worker, never in the page's bundle (Arrange's ELK worker).
    const workers = new Set<string>();
    for (const f of files)
      for (const m of readFileSync(join(ROOT, f), "utf8").matchAll(/new Worker\(\s*new URL\(\s*["']([^"']+)["']/g))
        workers.add(join(dirname(f), m[1]));
    expect(workers).toContain("src/editor/flow/arrangeWorker.ts");
    for (const f of files)
      if (!workers.has(f))
        expect(readFileSync(join(ROOT, f), "utf8"), f).not.toMatch(/^\s*import\s+(?!type\b)[^;]*from\s+["']elkjs/m);
  });

  it("IMP-06 never uses dangerouslySetInnerHTML or innerHTML", () => {
    const files = sourceFiles(["src/editor"]);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files)
      expect(readFileSync(join(ROOT, f), "utf8"), f).not.toMatch(/dangerouslySetInnerHTML|\.innerHTML\s*=/);
  });
});
