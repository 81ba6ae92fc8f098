// @vitest-environment happy-dom
// The prompt highlighting loads on first use: until it is there the field is a plain textarea that
// still edits the prompt, and the highlight replaces it once loaded, with what was typed meanwhile.
import { afterEach, beforeAll, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, waitFor } from "@testing-library/react";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { loadWorkflow } from "../../src/graph";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { Inspector, preloadNodeInspector } from "../../src/editor/panels/Inspector";

// One node's settings are a lazy part: load them before rendering a selection.
beforeAll(() => preloadNodeInspector());

afterEach(cleanup);

it("a weighted prompt is editable before the highlighting has loaded, and highlighted after", async () => {
  const r = loadWorkflow(structuredClone(examples[0].document), registry);
  if (!r.ok) throw new Error("starter does not load");
  const editor = createEditor({ registry, document: r.document, ...{ makeId: counterIds() } });
  const store = editor.store;
  const id = r.document.nodes.find((n) => n.type === "prompt")!.id;
  store.setParam(id, "prompt", "cat");
  store.setParam(id, "prompt_weighting", true);
  store.setSelection({ nodes: [id] });
  const view = render(
    <EditorProvider editor={editor}>
      <Inspector />
    </EditorProvider>,
  );
  const field = () => view.container.querySelector('[data-field="prompt"]')!;
  const placeholder = field().querySelector<HTMLTextAreaElement>("textarea[data-prompt-weighting-loading]");
  expect(placeholder).not.toBeNull();
  expect(placeholder!.value).toBe("cat");
  act(() => void fireEvent.change(placeholder!, { target: { value: "(red fox)1.2" } }));
  expect(store.getState().document.nodes.find((n) => n.id === id)!.params.prompt).toBe("(red fox)1.2");
  await waitFor(() => expect(field().querySelector("[data-prompt-weighting]")).not.toBeNull());
  const fox = [...field().querySelectorAll<HTMLSpanElement>(".pw-back span")].find((s) => s.textContent === "red fox");
  expect(fox?.dataset.weight).toBe("1.2");
});
