import { useDeferredValue, useMemo } from "react";
import { useEditor, useEditorInstance } from "../store/react";
import { Icon } from "../kit/icons";
import { endpointMode, PENDING } from "../engine";
import { planRun, runFromEditor, type RunPlan } from "./actions";
import { useRunState } from "./runtime";
import { TERMINAL } from "./types";

const CHECKING: RunPlan = { jobs: [], reasons: ["The pipeline is still being checked"], label: "Run" };

/** Toolbar Run: the selected Samplers or all; disabled, with the reasons, while the compile has errors. */
export function RunButton() {
  const editor = useEditorInstance();
  const { engine } = editor;
  const doc = useEditor((s) => s.document);
  // Deferred as the inspector's: a selection's press frame renders the canvas alone.
  const selected = useDeferredValue(useEditor((s) => s.selection.nodes));
  // A big file just opened is checked in slices (engine.compiledSoon): no verdict until it lands.
  const result = useEditor((s) => engine.compiledSoon(s.document));
  const plan = useMemo(
    () => (result === PENDING ? CHECKING : planRun(editor, doc, selected, { jobs: false })),
    [editor, doc, selected, result],
  );
  // What Run will do: one mode when every Sampler it runs agrees (the usual case), else none.
  const modes = useMemo(() => {
    const mine = result.outputs.filter((o) => selected.includes(o.output));
    return [...new Set((mine.length ? mine : result.outputs).map((o) => endpointMode(o.endpoint).short))];
  }, [result, selected]);
  const active = useRunState((s) => s.runs.filter((r) => !TERMINAL.has(r.status)).length);
  const disabled = plan.reasons.length > 0;
  const title = disabled
    ? `Cannot run:\n${plan.reasons
        .slice(0, 8)
        .map((r) => `• ${r}`)
        .join("\n")}${plan.reasons.length > 8 ? `\n… and ${plan.reasons.length - 8} more` : ""}`
    : `${plan.label} on fal (Ctrl+Enter): ${modes.join(", ")}`;
  return (
    <button
      className="tb primary"
      onClick={() => runFromEditor(editor)}
      disabled={disabled}
      title={title}
      aria-label={disabled ? `Run (disabled: ${plan.reasons[0]})` : "Run"}
      data-run-button
    >
      <Icon name="play" size={15} />
      <span>Run{active > 0 ? ` (${active})` : ""}</span>
      {modes.length === 1 && (
        <span className="run-mode" data-testid="run-mode">
          {modes[0]}
        </span>
      )}
    </button>
  );
}
