// @vitest-environment happy-dom
// The sidebar draws the whole catalogue without the search code, which loads on the first key of a
// filter (docs/codebase.md#the-first-load); once typed, the filter keeps only the matching types.
import { afterEach, expect, it } from "vitest";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/react";
import { registry } from "../../nodes";
import { emptyDocument } from "../../src/graph";
import { counterIds, createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { Sidebar } from "../../src/editor/panels/Sidebar";

afterEach(cleanup);

it("lists every node type, and a typed filter keeps only the matching ones", async () => {
  const editor = createEditor({ registry, document: emptyDocument({ name: "t" }), makeId: counterIds() });
  const view = render(
    <EditorProvider editor={editor}>
      <Sidebar onAdd={() => undefined} />
    </EditorProvider>,
  );
  const titles = () => [...view.container.querySelectorAll(".side-title")].map((e) => e.textContent);
  expect(titles()).toHaveLength(registry.list().length);
  fireEvent.change(view.getByLabelText("Filter nodes"), { target: { value: "lora" } });
  await waitFor(() => expect(titles()[0]).toBe("LoRA"));
  expect(titles().length).toBeLessThan(registry.list().length);
  fireEvent.change(view.getByLabelText("Filter nodes"), { target: { value: "zzzqqq" } });
  expect(view.container.textContent).toContain("No node matches “zzzqqq”.");
});
