/**
 * Under each inspector field: the node's own explainer for that param (what it does, typical
 * values) and a "Sweep…" button that opens the sweep dialog on it. Right-clicking the field does
 * the same. Eager but tiny: the dialog itself loads on demand.
 */
import type { ReactNode } from "react";
import type { ParamSpec } from "../../graph";
import { SWEEPABLE_WIDGETS, useTeachUiApi } from "./state";
import "./inline.css";

export function canSweep(spec: ParamSpec): boolean {
  return SWEEPABLE_WIDGETS.has(spec.widget);
}

/** Wraps a field: context menu → sweep, and the explainer + Sweep… row below it. */
export function ParamExtras({
  nodeId,
  name,
  spec,
  explain,
  more,
  children,
}: {
  nodeId: string;
  name: string;
  spec: ParamSpec;
  explain?: string;
  /** Further links for the row under the field (an instance's "Remove from component"). */
  more?: ReactNode;
  children: ReactNode;
}) {
  const teachUi = useTeachUiApi();
  const sweepable = canSweep(spec);
  const openSweep = () => teachUi.set({ sweepDialog: { nodeId, param: name } });
  return (
    <div
      className="insp-param"
      onContextMenu={
        sweepable
          ? (e) => {
              e.preventDefault();
              openSweep();
            }
          : undefined
      }
    >
      {children}
      {(explain || sweepable || more) && (
        <div className="insp-extra">
          {explain ? <span className="insp-explain">{explain}</span> : <span className="grow" />}
          {more}
          {sweepable && (
            <button
              type="button"
              className="sweep-link"
              data-sweep-param={name}
              title={`Sweep ${spec.label}: run one image per value at a fixed seed (or right-click the field)`}
              onClick={() => openSweep()}
            >
              Sweep…
            </button>
          )}
        </div>
      )}
    </div>
  );
}
