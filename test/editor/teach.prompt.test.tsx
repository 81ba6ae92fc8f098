// @vitest-environment happy-dom
// Prompt weighting in the prompt field: with weighting on, the text is drawn as Compel reads it
// (syntax, weights per phrase) under the textarea, and the chips list each weighted phrase.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent } from "@testing-library/react";
import { preloadNodeInspector } from "../../src/editor/panels/Inspector";
import { promptInInspector } from "./helpers";
import { loadPromptHighlight } from "../../src/editor/fields/PromptHighlight";

// The editor loads the compiler after its first paint, and the highlighting view on first use;
// these tests are about the loaded views.
beforeAll(() => Promise.all([loadPromptHighlight(), preloadNodeInspector()]));

afterEach(cleanup);

/** The starter pipeline (so the compiler has a request to check), its prompt selected. */
function setup(prompt: string, weighting: boolean) {
  const { store, id, view, field } = promptInInspector(prompt, weighting);
  const layer = () => [...field().querySelectorAll<HTMLSpanElement>(".pw-back span")];
  return { store, id, view, field, layer };
}

describe("prompt weighting highlight", () => {
  it("colours each phrase by its Compel weight and the syntax apart, in a layer that holds exactly the prompt text", () => {
    const prompt = "a (red fox)1.2 in snow--";
    const { layer, field } = setup(prompt, true);
    const spans = layer();
    expect(spans.map((s) => s.textContent).join("")).toBe(prompt);
    const fox = spans.find((s) => s.textContent === "red fox")!;
    expect(fox.dataset.weight).toBe("1.2");
    expect(fox.className).toContain("pw-up");
    const snow = spans.find((s) => s.textContent === "snow")!;
    expect(snow.dataset.weight).toBe("0.81");
    expect(snow.className).toContain("pw-down");
    expect(spans.filter((s) => s.dataset.kind === "syntax").map((s) => s.textContent)).toEqual(["(", ")1.2", "--"]);
    const chips = [...field().querySelectorAll<HTMLElement>("[data-prompt-chip]")].map(
      (c) => `${c.dataset.promptChip}=${c.dataset.weight}`,
    );
    expect(chips).toEqual(["red fox=1.2", "snow=0.81"]);
  });

  it("follows typing: the store gets the text and the highlight the new weights", () => {
    const { store, id, field, layer } = setup("cat", true);
    const textarea = field().querySelector("textarea")!;
    act(() => void fireEvent.change(textarea, { target: { value: "cat+++ on a mat" } }));
    expect(store.getState().document.nodes.find((n) => n.id === id)!.params.prompt).toBe("cat+++ on a mat");
    expect(layer().find((s) => s.textContent === "cat")!.dataset.weight).toBe("1.331");
  });

  it("shows .and() conjunctions and flags A1111 syntax that Compel reads literally", () => {
    const { field } = setup('("a cat", "a dog").and(1, 0.5)', true);
    expect(field().querySelector('[data-prompt-chip="combine"]')!.textContent).toContain(".and() of 2");
    cleanup();
    const b = setup("a (cat:1.3)", true);
    expect(b.layer().some((s) => s.dataset.kind === "literal")).toBe(true);
  });

  it("with weighting off the field is a plain textarea, and the compiler's warning says the syntax is read literally", () => {
    const { field, view } = setup("a (red fox)1.2", false);
    expect(field().querySelector("[data-prompt-weighting]")).toBeNull();
    expect(field().querySelector("textarea")).not.toBeNull();
    const warning = view.container.querySelector('[data-field="prompt_weighting"] .field-msg.warning');
    expect(warning?.textContent).toMatch(/read as plain text/);
  });
});
