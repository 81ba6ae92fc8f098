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
import { exposeInput, exposeOutput, removePort } from "./commands";
import { detach, expose, unexpose } from "./actions";
import { instanceKey, openInstance } from "./ui";
import { startPublish, startUpdate } from "./versionUi";
import { hasUpdate } from "./updateOffer";

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
  const key = useEditor((s) => s.scope[s.scope.length - 1]?.key);
  // The param itself (not a new object) so the selector's answer is stable between renders.
  const shown = useEditor((s) =>
    key ? definitionOf(s.document, key)?.params.find((q) => q.node === nodeId && q.field === name) : undefined,
  );
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const run = () => expose(editor, nodeId, name);
  const remove = () => key && shown && unexpose(editor, key, shown.id);
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
          <>
            <span className="expose-note" title="Instances show this field, and can each set their own value">
              Shown on the component as “{shown.label}”
            </span>
            <button
              type="button"
              className="sweep-link"
              data-unexpose-param={name}
              title="Stop showing this field on the instances; their own settings of it go (Ctrl+Z brings them back)"
              onClick={remove}
            >
              Remove
            </button>
          </>
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
          items={[
            shown
              ? { id: "unexpose", label: "Remove from component", run: remove }
              : { id: "expose", label: "Expose on component", run },
          ]}
        />
      )}
    </div>
  );
}

/** On an instance's exposed field in the inspector: the way to stop showing it on every instance. */
export function UnexposeLink({ nodeId, name }: { nodeId: string; name: string }) {
  const editor = useEditorInstance();
  const key = instanceKey(editor, nodeId);
  if (!key) return null;
  return (
    <button
      type="button"
      className="sweep-link"
      data-unexpose-param={name}
      title="Stop showing this field on every instance of the component; their own settings of it go (Ctrl+Z brings them back)"
      onClick={() => unexpose(editor, key, name)}
    >
      Remove from component
    </button>
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
  // Inputs nothing feeds (or that take more wires) can come from outside through a new port.
  const open = type.inputs.filter(
    (i) => i.multiple || !def.edges.some((e) => e.target === node.id && e.targetHandle === i.id),
  );
  if (!free.length && !open.length) return null;
  return (
    <div className="row gap8 insp-actions">
      {open.map((i) => (
        <button
          key={`in:${i.id}`}
          className="btn"
          title={`Give every instance of the component an input that feeds ${i.label}`}
          onClick={() => say(exposeInput(editor.store, node.id, i.id))}
        >
          Expose {i.label} as input
        </button>
      ))}
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
