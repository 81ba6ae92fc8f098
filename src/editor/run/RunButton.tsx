import { useMemo } from "react";
import { useEditor, useEditorStore } from "../store/react";
import { Icon } from "../kit/icons";
import { compiled, endpointMode, useCompilerReady } from "../engine";
import { planRun, runFromEditor } from "./actions";
import { useRunState } from "./runtime";
import { TERMINAL } from "./types";

/** Toolbar Run: the selected Samplers or all; disabled, with the reasons, while the compile has errors. */
export function RunButton() {
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const selected = useEditor((s) => s.selection.nodes);
  const ready = useCompilerReady();
  // `ready` is a dependency: the plan is "checking" until the compiler has loaded.
  const plan = useMemo(
    () => planRun(doc, store.registry, selected, { jobs: false }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
    [doc, selected, store.registry, ready],
  );
  // What Run will do: one mode when every Sampler it runs agrees (the usual case), else none.
  const modes = useMemo(() => {
    const outs = compiled(doc, store.registry).outputs;
    const mine = outs.filter((o) => selected.includes(o.output));
    return [...new Set((mine.length ? mine : outs).map((o) => endpointMode(o.endpoint).short))];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `ready`: see above
  }, [doc, selected, store.registry, ready]);
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
      onClick={() => runFromEditor(store)}
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
