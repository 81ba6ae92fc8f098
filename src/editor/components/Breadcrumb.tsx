import { instanceRef } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { definitionOf } from "../store/scope";
import { leaveTo } from "./enter";
import { startPublish } from "./versionUi";

/** The path into nested components, each level a way back out. Shown on the canvas while inside. */
export default function Breadcrumb() {
  const editor = useEditorInstance();
  const scope = useEditor((s) => s.scope);
  const doc = useEditor((s) => s.document);
  if (!scope.length) return null;
  const name = doc.meta.name?.trim() || "Pipeline";
  let nodes = doc.nodes;
  const levels = scope.map((step) => {
    const node = nodes.find((n) => n.id === step.instance);
    const def = definitionOf(doc, step.key);
    nodes = def?.nodes ?? [];
    return { label: node?.label || def?.title || step.instance, version: instanceRef(node ?? { type: "" })?.version };
  });
  return (
    <nav className="comp-crumbs" aria-label="Component path" data-testid="component-breadcrumb" data-canvas-overlay>
      <button type="button" className="crumb" onClick={() => leaveTo(editor.store, 0)} title="Back to the pipeline">
        {name}
      </button>
      {levels.map((l, i) => (
        <span key={i} className="crumb-level">
          <span className="crumb-sep" aria-hidden>
            ›
          </span>
          {i < levels.length - 1 ? (
            <button type="button" className="crumb" onClick={() => leaveTo(editor.store, i + 1)}>
              {l.label}
            </button>
          ) : (
            <span className="crumb here" aria-current="location">
              {l.label}
              {l.version && <span className="crumb-version">{l.version}</span>}
            </span>
          )}
        </span>
      ))}
      <span className="crumb-note">Editing the component: every instance follows.</span>
      <button
        type="button"
        className="btn small"
        onClick={() => startPublish(editor, scope[scope.length - 1].key)}
        title="Publish to the library: write this component there, as a new version when the library has it already"
      >
        Publish…
      </button>
      <button
        type="button"
        className="btn small crumb-exit"
        onClick={() => leaveTo(editor.store, scope.length - 1)}
        title="Back out one level (Esc)"
      >
        Done <kbd>Esc</kbd>
      </button>
    </nav>
  );
}
