/** The make-component dialog: a name, and which fields the instances show. Loaded on first open (ui.tsx). */
import { useMemo, useState } from "react";
import { ModalForm } from "../kit/ModalForm";
import { useEditorInstance } from "../store/react";
import { exposeChoices, makeComponent, type ExposeChoice } from "./commands";

export default function MakeComponentForm({ ids, onClose }: { ids: readonly string[]; onClose(): void }) {
  const editor = useEditorInstance();
  const { store } = editor;
  const choices = useMemo(() => exposeChoices(store.getState().view, ids, store.registry), [store, ids]);
  const [name, setName] = useState("");
  const [picked, setPicked] = useState(() => new Set(choices.filter((c) => c.changed).map((c) => c.id)));
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    const r = makeComponent(store, ids, { name, expose: choices.filter((c) => picked.has(c.id)) });
    if (!r.ok) return setError(`This selection cannot be a component: ${r.reason}.`);
    onClose();
    editor.ui.toast(`Made component ${name.trim()}: double-click it (or press Tab) to open it`, "info");
  };
  const toggle = (c: ExposeChoice) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(c.id)) next.delete(c.id);
      else next.add(c.id);
      return next;
    });
  return (
    <ModalForm
      title="Make component"
      onClose={onClose}
      onSubmit={submit}
      width={520}
      className="make-comp"
      testId="make-component-dialog"
      error={error}
      foot={
        <button type="submit" className="btn primary" disabled={!name.trim()}>
          Make component
        </button>
      }
    >
      <p>
        The {ids.length} selected node{ids.length > 1 ? "s" : ""} become one node. Wires that cross the selection become
        its ports.
      </p>
      <label className="field-label" htmlFor="make-comp-name">
        Name
      </label>
      <input
        id="make-comp-name"
        className="input"
        value={name}
        placeholder="e.g. Style stack"
        maxLength={80}
        onChange={(e) => (setName(e.target.value), setError(null))}
      />
      <fieldset className="make-comp-fields">
        <legend>Fields shown on the component</legend>
        {choices.length === 0 && <div className="muted">These nodes have no fields.</div>}
        {choices.map((c) => (
          <label key={c.id} className="make-comp-field">
            <input type="checkbox" checked={picked.has(c.id)} onChange={() => toggle(c)} />
            <span>{c.label}</span>
            {c.changed && <span className="muted small">changed</span>}
          </label>
        ))}
      </fieldset>
    </ModalForm>
  );
}
