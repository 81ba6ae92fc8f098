// @vitest-environment happy-dom
// The prompt highlighting loads on first use: until it is there the field is a plain textarea that
// still edits the prompt, and the highlight replaces it once loaded, with what was typed meanwhile.
import { afterEach, beforeAll, expect, it } from "vitest";
import { act, cleanup, fireEvent, waitFor } from "@testing-library/react";
import { preloadNodeInspector } from "../../src/editor/panels/Inspector";
import { promptInInspector } from "./helpers";

// One node's settings are a lazy part: load them before rendering a selection.
beforeAll(() => preloadNodeInspector());

afterEach(cleanup);

it("a weighted prompt is editable before the highlighting has loaded, and highlighted after", async () => {
  const { store, id, field } = promptInInspector("cat", true);
  const placeholder = field().querySelector<HTMLTextAreaElement>("textarea[data-prompt-weighting-loading]");
  expect(placeholder).not.toBeNull();
  expect(placeholder!.value).toBe("cat");
  act(() => void fireEvent.change(placeholder!, { target: { value: "(red fox)1.2" } }));
  expect(store.getState().document.nodes.find((n) => n.id === id)!.params.prompt).toBe("(red fox)1.2");
  await waitFor(() => expect(field().querySelector("[data-prompt-weighting]")).not.toBeNull());
  const fox = [...field().querySelectorAll<HTMLSpanElement>(".pw-back span")].find((s) => s.textContent === "red fox");
  expect(fox?.dataset.weight).toBe("1.2");
});
