/** One axis of the sweep dialog: what to sweep, and its values (a range or a list) or its nodes. */
import type { ParamSpec, Registry, WorkflowDocument } from "../../graph";
import { MAX_SWEEP_CELLS } from "../../teach/sweep";
import { nodeDisplayName } from "../../teach/names";
import { useEditor, useEditorStore } from "../store/react";
import { draftForKey, isTextSpec, keyOf, paramOf, type AxisDraft, type Choice } from "./sweepDrafts";

interface AxisProps {
  index: number;
  draft: AxisDraft;
  onChange(d: AxisDraft): void;
}

export function AxisEditor({
  index,
  draft,
  choices,
  onChange,
  onRemove,
}: AxisProps & { choices: Choice[]; onRemove?(): void }) {
  const registry = useEditorStore().registry;
  const doc = useEditor((s) => s.document);
  return (
    <fieldset className="sw-axis" data-sweep-axis={index}>
      <legend>
        <span className="sw-axis-name">{index === 0 ? "Columns" : "Rows"}</span>
        <span className="muted">axis {index + 1}</span>
        {onRemove && (
          <button type="button" className="link-btn sw-remove" onClick={onRemove}>
            Remove
          </button>
        )}
      </legend>
      <AxisPicker index={index} draft={draft} choices={choices} onChange={onChange} doc={doc} registry={registry} />
      {draft.kind === "toggle" ? (
        <ToggleHint draft={draft} doc={doc} registry={registry} />
      ) : (
        <AxisValues
          index={index}
          draft={draft}
          onChange={onChange}
          spec={paramOf(doc, registry, draft.nodeId, draft.param).spec}
        />
      )}
    </fieldset>
  );
}

type WithDoc = { doc: WorkflowDocument; registry: Registry };

function AxisPicker({ index, draft, choices, onChange, doc, registry }: AxisProps & WithDoc & { choices: Choice[] }) {
  const key = keyOf(draft);
  const known = choices.some((c) => c.key === key);
  const groups = [...new Set(choices.map((c) => c.group))];
  return (
    <label className="sw-row">
      <span className="sw-label">Sweep</span>
      <select
        id={`sweep-axis-${index}`}
        className="input select"
        aria-label={`Axis ${index + 1}: what to sweep`}
        value={key}
        onChange={(e) => {
          const d = draftForKey(e.target.value, doc, registry);
          if (d) onChange(d);
        }}
      >
        {!known && (
          <option value={key}>
            {draft.kind === "toggle"
              ? `Switch ${draft.nodeIds.join(", ")} on / off${draft.mode === "all" ? " (every combination)" : ""}`
              : `${draft.nodeId} · ${draft.param}`}
          </option>
        )}
        {groups.map((g) => (
          <optgroup key={g} label={g}>
            {choices
              .filter((c) => c.group === g)
              .map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

function ToggleHint({ draft, doc, registry }: { draft: AxisDraft & { kind: "toggle" } } & WithDoc) {
  return (
    <p className="sw-hint">
      {draft.mode === "all"
        ? "Every combination of these nodes on and off"
        : "All on, then each one switched off (bypassed) in turn"}
      :{" "}
      {draft.nodeIds
        .map((nid) => {
          const n = doc.nodes.find((x) => x.id === nid);
          return n ? nodeDisplayName(n, registry) : nid;
        })
        .join(", ")}
      .
    </p>
  );
}

type ParamDraft = AxisDraft & { kind: "param" };

/** A param axis's values: From, To and a count for a number, else a list (one per line for text). */
function AxisValues({ index, draft, onChange, spec }: AxisProps & { draft: ParamDraft; spec?: ParamSpec }) {
  const numeric = !!spec && (spec.widget === "number" || spec.widget === "slider");
  return (
    <>
      {numeric && (
        <div className="seg sw-mode" role="radiogroup" aria-label={`Axis ${index + 1}: range or list`}>
          {(["range", "list"] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={draft.mode === m}
              className={draft.mode === m ? "on" : ""}
              onClick={() =>
                onChange({ ...draft, mode: m, list: draft.list || [draft.from, draft.to].filter(Boolean).join(", ") })
              }
            >
              {m === "range" ? "Range" : "List"}
            </button>
          ))}
        </div>
      )}
      {draft.mode === "range" && numeric ? (
        <div className="sw-range">
          <RangeField
            label="From"
            aria={`Axis ${index + 1} from`}
            value={draft.from}
            set={(from) => onChange({ ...draft, from })}
          />
          <RangeField
            label="To"
            aria={`Axis ${index + 1} to`}
            value={draft.to}
            set={(to) => onChange({ ...draft, to })}
          />
          <RangeField
            label="Values"
            aria={`Axis ${index + 1} count`}
            value={draft.count}
            set={(count) => onChange({ ...draft, count })}
            count
          />
        </div>
      ) : spec && isTextSpec(spec) ? (
        <textarea
          className="input textarea"
          rows={3}
          aria-label={`Axis ${index + 1} values, one per line`}
          placeholder="One value per line"
          value={draft.list}
          onChange={(e) => onChange({ ...draft, mode: "list", list: e.target.value })}
        />
      ) : (
        <input
          className="input mono"
          aria-label={`Axis ${index + 1} values`}
          placeholder="Values, comma separated"
          value={draft.list}
          onChange={(e) => onChange({ ...draft, mode: "list", list: e.target.value })}
        />
      )}
    </>
  );
}

function RangeField(p: { label: string; aria: string; value: string; set(v: string): void; count?: boolean }) {
  return (
    <label>
      <span className="sw-label">{p.label}</span>
      <input
        className="input num"
        aria-label={p.aria}
        {...(p.count ? { type: "number", min: 1, max: MAX_SWEEP_CELLS } : {})}
        value={p.value}
        onChange={(e) => p.set(e.target.value)}
      />
    </label>
  );
}
