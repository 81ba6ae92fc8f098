// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { loadWorkflow } from "../../src/graph";
import { compile } from "../../src/compiler";
import { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { Inspector, preloadNodeInspector } from "../../src/editor/panels/Inspector";
import { RequestPanel } from "../../src/editor/panels/RequestPanel";

// One node's settings are a lazy part: load them before rendering a selection.
beforeAll(() => preloadNodeInspector());

// The editor loads the compiler after its first paint; these views need its results at once.

afterEach(cleanup);

describe("every example renders in the inspector and the request view", () => {
  for (const ex of examples) {
    it(ex.id, () => {
      const r = loadWorkflow(structuredClone(ex.document), registry);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const editor = createEditor({ registry, document: r.document });
      const store = editor.store;
      render(
        <EditorProvider editor={editor}>
          <Inspector />
          <RequestPanel />
        </EditorProvider>,
      );
      // Each example's request is ready and shows its endpoint.
      expect(document.querySelector(".status.ok")).not.toBeNull();
      for (const n of r.document.nodes) {
        act(() => store.setSelection({ nodes: [n.id] }));
        const def = registry.getOrThrow(n.type);
        for (const key of Object.keys(def.params))
          expect(document.querySelector(`.inspector [data-field="${key}"]`), `${n.type}.${key}`).not.toBeNull();
        // Set list params show their values rather than an empty box.
        for (const [key, spec] of Object.entries(def.params)) {
          if ((spec.widget === "intList" || spec.widget === "floatList") && n.params[key] !== undefined) {
            const box = document.querySelector(`.inspector [data-field="${key}"] input`) as HTMLInputElement;
            expect(box.value, `${n.type}.${key}`).not.toBe("");
          }
        }
        // The selected node's request lines are highlighted, whenever it wrote any.
        const wrote = compile(r.document, registry).outputs.some((o) =>
          Object.values(o.sourceMap).some((src) => src.nodeId === n.id),
        );
        if (wrote) expect(document.querySelectorAll(".jl.hl").length, n.id).toBeGreaterThan(0);
      }
    });
  }
});
