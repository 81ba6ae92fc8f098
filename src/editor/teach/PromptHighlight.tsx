/**
 * The prompt text area with Compel's weights drawn in (PromptHighlightView), loaded the first time
 * a Prompt node with weighting on is shown: most pipelines never turn weighting on, so the view
 * and the prompt parser stay out of the first load (issue #5 §3). Until it arrives the field is a
 * plain text area with the same value and handlers, so typing is never lost or blocked.
 */
import { useEffect, useState } from "react";
import type { FieldProps } from "../fields/types";
import { PlainTextArea } from "../fields/PlainTextArea";

type View = typeof import("./PromptHighlightView");

let view: View | null = null;
let loading: Promise<View> | null = null;

/** Loads the highlighting view once (retrying after a failed fetch). */
export function loadPromptHighlight(): Promise<View> {
  loading ??= import("./PromptHighlightView").then(
    (m) => (view = m),
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

export function WeightedTextArea(props: FieldProps<string>) {
  const [loaded, setLoaded] = useState(view);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    loadPromptHighlight().then(
      (m) => live && setLoaded(m),
      () => undefined, // stays a plain text area; the next mount tries again
    );
    return () => void (live = false);
  }, [loaded]);
  if (loaded) return <loaded.WeightedTextArea {...props} />;
  return <PlainTextArea {...props} spellCheck={false} data-prompt-weighting-loading />;
}
