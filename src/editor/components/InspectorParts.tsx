/**
 * The component parts of the inspector: an instance's actions (open, detach), and inside a
 * component, a way to show an inner field on every instance (a link under the field, and the
 * field's right-click menu).
 */
import { useState, type ReactNode } from "react";
import { PORT_KIND_INFO, type ParamSpec, type WorkflowNode } from "../../graph";
import { Menu } from "../kit/Menu";
import { useWorkspace } from "../library/workspace";
import { useEditor, useEditorInstance } from "../store/react";
import { COMPONENT_OUTPUT, definitionOf, isPortStandIn } from "../store/scope";
import { exposeOutput, removePort } from "./commands";
import { detach, expose } from "./actions";
import { instanceKey, openInstance } from "./ui";
import { hasUpdate, startPublish, startUpdate } from "./versionUi";

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

/**
 * Inside a component, its ports: on a stand-in, each input or output with *Remove port*; on an
 * inner node, each of its outputs the component does not give yet, with *Expose as output*.
 */
export function PortActions({ node }: { node: WorkflowNode }) {
  const editor = useEditorInstance();
  const def = useEditor((s) => {
    const key = s.scope[s.scope.length - 1]?.key;
    return key ? definitionOf(s.document, key) : undefined;
  });
  const type = useEditor(() => editor.store.registry.get(node.type));
  if (!def || !type) return null;
  const say = (r: { ok: true } | { ok: false; reason: string }) =>
    !r.ok && editor.ui.toast(`Not done: ${r.reason}`, "error", 8000);
  if (isPortStandIn(node)) {
    const side = node.id === COMPONENT_OUTPUT ? "out" : "in";
    const ports = side === "out" ? def.outputs : def.inputs;
    return (
      <>
        <h4 className="section">{side === "out" ? "Outputs of the component" : "Inputs of the component"}</h4>
        {ports.length === 0 && <p className="field-desc">None. Wire inner nodes here to give the component ports.</p>}
        <ul className="insp-ports">
          {ports.map((p) => (
            <li key={p.id} data-port-row={p.id}>
              <span className="kind-dot" style={{ background: PORT_KIND_INFO[p.kind].color }} />
              <span className="ip-label grow">{p.label}</span>
              <button
                type="button"
                className="sweep-link"
                title={`Remove ${p.label} from the component, with the wires to it on every instance`}
                onClick={() => say(removePort(editor.store, side, p.id))}
              >
                Remove port
              </button>
            </li>
          ))}
        </ul>
      </>
    );
  }
  const free = type.outputs.filter((o) => !def.outputs.some((x) => x.node === node.id && x.port === o.id));
  if (!free.length) return null;
  return (
    <div className="row gap8 insp-actions">
      {free.map((o) => (
        <button
          key={o.id}
          className="btn"
          title={`Give ${o.label} to whatever an instance of the component is wired to`}
          onClick={() => say(exposeOutput(editor.store, node.id, o.id))}
        >
          Expose {o.label} as output
        </button>
      ))}
    </div>
  );
}
