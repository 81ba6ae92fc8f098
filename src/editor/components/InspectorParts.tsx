/**
 * The component parts of the inspector: an instance's actions (open, detach), and inside a
 * component, a way to show an inner field on every instance (a link under the field, and the
 * field's right-click menu).
 */
import { useState, type ReactNode } from "react";
import type { ParamSpec, WorkflowNode } from "../../graph";
import { Menu } from "../kit/Menu";
import { useWorkspace } from "../library/workspace";
import { useEditor, useEditorInstance } from "../store/react";
import { definitionOf } from "../store/scope";
import { detach, expose, instanceKey, openInstance, startMakeComponent } from "./ui";
import { hasUpdate, startPublish, startUpdate } from "./VersionDialogs";

/** The multi-selection's way to make a component (Ctrl+G does the same). */
export function MakeComponentButton() {
  const editor = useEditorInstance();
  return (
    <button
      className="btn"
      onClick={() => startMakeComponent(editor)}
      title="Replace the selected nodes with one reusable node (Ctrl+G)"
    >
      Make component…
    </button>
  );
}

export function InstanceActions({ node }: { node: WorkflowNode }) {
  const editor = useEditorInstance();
  const key = instanceKey(editor, node.id);
  // Re-read with the library: the Update button comes and goes with newer versions.
  useWorkspace((w) => w.components);
  if (!key) return null;
  return (
    <div className="row gap8 insp-actions instance-actions">
      <button className="btn" onClick={() => openInstance(editor, node.id)} title="Tab, or double-click the node">
        Open component
      </button>
      <button
        className="btn"
        onClick={() => detach(editor, node.id)}
        title="Give this node its own copy of the component: edits inside it no longer reach the others"
      >
        Detach
      </button>
      <button
        className="btn"
        onClick={() => startPublish(editor, key)}
        title="Publish to the library: write this component there, as a new version when the library has it already"
      >
        Publish…
      </button>
      {hasUpdate(editor, node.id) && (
        <button className="btn primary" onClick={() => startUpdate(editor, node.id)}>
          Update…
        </button>
      )}
    </div>
  );
}

/** Inside a component: the field, with "Expose on component" under it and on its right-click menu. */
export function ExposeExtras({
  nodeId,
  name,
  spec,
  children,
}: {
  nodeId: string;
  name: string;
  spec: ParamSpec;
  children: ReactNode;
}) {
  const editor = useEditorInstance();
  const shown = useEditor((s) => {
    const key = s.scope[s.scope.length - 1]?.key;
    const def = key ? definitionOf(s.document, key) : undefined;
    return def?.params.find((p) => p.node === nodeId && p.field === name)?.label;
  });
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const run = () => expose(editor, nodeId, name);
  return (
    <div
      className="insp-param"
      onContextMenu={(e) => {
        e.preventDefault();
        setMenu({ x: e.clientX, y: e.clientY });
      }}
    >
      {children}
      <div className="insp-extra">
        <span className="grow" />
        {shown ? (
          <span className="expose-note" title="Instances show this field, and can each set their own value">
            Shown on the component as “{shown}”
          </span>
        ) : (
          <button
            type="button"
            className="sweep-link"
            data-expose-param={name}
            title={`Show ${spec.label} on every instance of this component (or right-click the field)`}
            onClick={run}
          >
            Expose on component
          </button>
        )}
      </div>
      {menu && (
        <Menu
          label="Field menu"
          at={menu}
          onClose={() => setMenu(null)}
          items={[{ id: "expose", label: "Expose on component", disabled: !!shown, run }]}
        />
      )}
    </div>
  );
}
