/** One selected node in the inspector: its name, actions, inputs and every setting, explained. */
import { useCompileDiagnostics } from "../components/useNodeDiagnostics";
import { ExposeExtras, InstanceActions, PortActions, UnexposeLink } from "../components/InspectorParts";
import { useEffect, useRef } from "react";
import { explainerOf, instanceRef, PORT_KIND_INFO, type Diagnostic, type NodeDefinition } from "../../graph";
import { useEditor, useEditorStore, useUi, useUiApi } from "../store/react";
import { sayRefusal } from "../store/ui";
import { isPortStandIn } from "../store/scope";
import { nodeById } from "../store/nodeIndex";
import { fieldDiagnostic } from "../engine";
import { ParamField, paramFieldProps } from "../fields/ParamField";
import { useInactiveParams } from "../fields/relevance";
import { ParamExtras } from "../teach/ParamExtras";
import { NodeInspectorView } from "../flow/nodeViews";

export default function NodeInspector({ id }: { id: string }) {
  const store = useEditorStore();
  const node = useEditor((s) => nodeById(s.view.nodes, id));
  const diags = useCompileDiagnostics(id);
  // Inside a component a field can be exposed; sweeps run on the pipeline's own nodes.
  const inside = useEditor((s) => s.scope.length > 0);
  const focus = useUi((s) => s.focus);
  // A selector, not a plain read: an instance's type changes with its component's definition.
  const def = useEditor(() => (node ? store.registry.get(node.type) : undefined));
  const inactive = useInactiveParams(def, id);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!focus || focus.nodeId !== id || !focus.field) return;
    const el = rootRef.current?.querySelector<HTMLElement>(`[data-field="${CSS.escape(focus.field)}"]`);
    if (!el) return;
    el.scrollIntoView({ block: "center", behavior: "smooth" });
    el.classList.add("flash");
    el.querySelector<HTMLElement>("input, textarea, select, button")?.focus({ preventScroll: true });
    const t = setTimeout(() => el.classList.remove("flash"), 1200);
    return () => clearTimeout(t);
  }, [focus, id]);

  if (!node) return null;
  if (!def) return <div className="panel-pad">Unknown node type “{node.type}”.</div>;
  const explain = explainerOf(def);
  const nodeLevel = diags.filter(
    (d) => !d.field || (!def.params[d.field] && !def.inputs.some((p) => p.id === d.field)),
  );

  return (
    <div className="panel-pad inspector" ref={rootRef}>
      <div className="insp-head">
        <span className="dot" style={{ background: def.category.color }} />
        <input
          className="insp-title"
          aria-label="Node name"
          value={node.label ?? ""}
          placeholder={def.title}
          onChange={(e) => store.rename(id, e.target.value)}
        />
      </div>
      <div className="insp-type">
        {def.title} · {def.category.name} · <code>{node.id}</code>
      </div>
      <p className="insp-desc">{explain?.summary ?? def.description}</p>
      {!def.inert && !isPortStandIn(node) && <NodeActions id={id} bypassed={!!node.bypass} />}
      <InstanceActions node={node} />
      {inside && <PortActions node={node} />}
      <NodeInspectorView def={def} nodeId={id} params={node.params} />
      {nodeLevel.map((d, i) => (
        <div key={i} className={`callout ${d.severity}`}>
          {d.message}
        </div>
      ))}
      <InputsSection id={id} def={def} diags={diags} />
      {Object.keys(def.params).length > 0 && <h4 className="section">Settings</h4>}
      {Object.entries(def.params).map(([k, spec]) =>
        inside ? (
          <ExposeExtras key={k} nodeId={id} name={k} spec={spec}>
            <ParamField {...paramFieldProps(node, k, spec, diags)} describe inactive={inactive[k]} />
          </ExposeExtras>
        ) : (
          <ParamExtras
            key={k}
            nodeId={id}
            name={k}
            spec={spec}
            explain={explain?.params?.[k]}
            more={instanceRef(node) && <UnexposeLink nodeId={id} name={k} />}
          >
            <ParamField {...paramFieldProps(node, k, spec, diags)} describe inactive={inactive[k]} />
          </ParamExtras>
        ),
      )}
      {explain?.mistakes && explain.mistakes.length > 0 && (
        <>
          <h4 className="section">Common mistakes</h4>
          <ul className="insp-list">
            {explain.mistakes.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function NodeActions({ id, bypassed }: { id: string; bypassed: boolean }) {
  const store = useEditorStore();
  const ui = useUiApi();
  return (
    <div className="row gap8 insp-actions">
      <button className={`btn ${bypassed ? "active" : ""}`} onClick={() => store.toggleBypass([id])} title="Ctrl+B">
        {bypassed ? "Enable" : "Bypass"}
      </button>
      <button className="btn" onClick={() => store.duplicate([id])} title="Ctrl+D">
        Duplicate
      </button>
      <button className="btn danger" onClick={() => sayRefusal(ui, store.removeNodes([id]))} title="Delete">
        Delete
      </button>
    </div>
  );
}

/** Each input port: its kind, whether it is wired, and its problem or description. */
function InputsSection({ id, def, diags }: { id: string; def: NodeDefinition; diags: readonly Diagnostic[] }) {
  const edges = useEditor((s) => s.view.edges);
  if (def.inputs.length === 0) return null;
  return (
    <>
      <h4 className="section">Inputs</h4>
      <ul className="insp-ports">
        {def.inputs.map((p) => {
          const wired = edges.filter((e) => e.target === id && e.targetHandle === p.id).length;
          const d = fieldDiagnostic(diags, p.id);
          return (
            <li key={p.id} data-field={p.id} className={d ? `has-${d.severity}` : ""}>
              <span className="kind-dot" style={{ background: PORT_KIND_INFO[p.kind].color }} />
              <span className="ip-label">
                {p.label}
                {p.required && <span className="req">*</span>}
              </span>
              <span className="ip-kind">{PORT_KIND_INFO[p.kind].label}</span>
              <span className={`ip-state ${wired ? "on" : ""}`}>
                {wired ? (wired > 1 ? `${wired} wires` : "wired") : "not wired"}
              </span>
              {(d || p.description) && (
                <div className={d ? `field-msg ${d.severity}` : "field-desc"}>{d?.message ?? p.description}</div>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
