import { createContext } from "react";

/**
 * True around the fields of a Prompt node whose Prompt weighting is on: its text areas then draw
 * Compel's syntax and each phrase's weight. Provided by the inspector and the node body.
 */
export const PromptWeightingContext = createContext(false);
