// Setups shared by the editor's happy-dom tests.
import { render } from "@testing-library/react";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { loadWorkflow } from "../../src/graph";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { Inspector } from "../../src/editor/panels/Inspector";

/**
 * The starter pipeline (so the compiler has a request to check) in the inspector, its prompt set
 * to `prompt`, with weighting on or off, and selected. Loads nothing lazy itself.
 */
export function promptInInspector(prompt: string, weighting: boolean) {
  const r = loadWorkflow(structuredClone(examples[0].document), registry);
  if (!r.ok) throw new Error("starter does not load");
  const editor = createEditor({ registry, document: r.document, ...{ makeId: counterIds() } });
  const store = editor.store;
  const id = r.document.nodes.find((n) => n.type === "prompt")!.id;
  store.setParam(id, "prompt", prompt);
  store.setParam(id, "prompt_weighting", weighting);
  store.setSelection({ nodes: [id] });
  const view = render(
    <EditorProvider editor={editor}>
      <Inspector />
    </EditorProvider>,
  );
  const field = () => view.container.querySelector('[data-field="prompt"]')!;
  return { store, id, view, field };
}
