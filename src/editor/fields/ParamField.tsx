import { memo, useCallback } from "react";
import { instanceRef, type Diagnostic, type ParamSpec, type WorkflowNode } from "../../graph";
import { fieldDiagnostic } from "../engine";
import { useEditor, useEditorStore } from "../store/react";
import { nodeById } from "../store/nodeIndex";
import { WIDGETS } from "./widgets";

interface Props {
  nodeId: string;
  name: string;
  spec: ParamSpec;
  value: unknown;
  diagnostic?: Diagnostic;
  compact?: boolean;
  /** Inspector: show the description under the field. */
  describe?: boolean;
  highlighted?: boolean;
  /** Why this setting does nothing in the current wiring (see relevance.ts): dimmed, with the reason. */
  inactive?: string;
}

/** The props a node's param field takes from the node and its diagnostics (on the canvas and in the inspector). */
export function paramFieldProps(node: WorkflowNode, name: string, spec: ParamSpec, diags: readonly Diagnostic[]) {
  // A component instance without an override sends the component's default: show that value, not a blank.
  const own = node.params[name];
  const value = own === undefined && instanceRef(node) ? spec.default : own;
  return { nodeId: node.id, name, spec, value, diagnostic: fieldDiagnostic(diags, name) };
}

/** Label + widget + the field's own diagnostic. The message disappears as soon as the value is fixed (live compile). */
export const ParamField = memo(function ParamField({
  nodeId,
  name,
  spec,
  value,
  diagnostic,
  compact,
  describe,
  highlighted,
  inactive,
}: Props) {
  const store = useEditorStore();
  const weightedBy = spec.weightedBy;
  const weighted = useEditor((s) =>
    weightedBy === undefined ? false : nodeById(s.view.nodes, nodeId)?.params[weightedBy] === true,
  );
  const onChange = useCallback((v: unknown) => store.setParam(nodeId, name, v), [store, nodeId, name]);
  const Widget = WIDGETS[spec.widget];
  const domId = `${compact ? "n" : "i"}-${nodeId}-${name}`;
  const inline = spec.widget === "toggle";
  return (
    <div
      className={`field ${inline ? "inline" : ""} ${highlighted ? "hl" : ""} ${inactive ? "inactive" : ""} ${diagnostic ? `has-${diagnostic.severity}` : ""}`}
      data-field={name}
    >
      <label htmlFor={domId} className="field-label" title={spec.description}>
        {spec.label}
        {spec.required && (
          <span className="req" aria-label="required">
            *
          </span>
        )}
      </label>
      <div className="field-control">
        <Widget
          spec={spec}
          value={value as never}
          onChange={onChange}
          id={domId}
          invalid={diagnostic?.severity === "error"}
          compact={compact}
          weighted={weighted}
        />
      </div>
      {diagnostic && <div className={`field-msg ${diagnostic.severity}`}>{diagnostic.message}</div>}
      {inactive && !diagnostic && <div className="field-msg inactive-hint">{inactive}</div>}
      {describe && !diagnostic && !inactive && <div className="field-desc">{spec.description}</div>}
    </div>
  );
});
