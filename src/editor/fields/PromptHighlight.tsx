/**
 * The prompt text area with Compel's weights drawn in (PromptHighlightView), loaded the first time
 * a Prompt node with weighting on is shown: most pipelines never turn weighting on, so the view and
 * the prompt parser stay out of the first load (docs/codebase.md#the-first-load). Until it
 * arrives the field is a plain text area with the same value and handlers, so typing is never lost
 * or blocked.
 */
import { useEffect, useState } from "react";
import type { FieldProps } from "./types";
import { PlainTextArea } from "./PlainTextArea";
import { onDemand } from "../lazy";

type View = typeof import("./PromptHighlightView");

const highlight = onDemand<View>(() => import("./PromptHighlightView"));

/** Loads the highlighting view once (retrying after a failed fetch). */
export const loadPromptHighlight = (): Promise<View> => highlight.load();

export function WeightedTextArea(props: FieldProps<string>) {
  const [loaded, setLoaded] = useState(highlight.current);
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
