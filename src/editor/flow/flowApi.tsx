import { createContext, useContext, useState, type ReactNode } from "react";
import { useReactFlow, type ReactFlowInstance } from "@xyflow/react";

/**
 * React Flow's instance for the shell's callbacks (shortcuts, the toolbar's fit, adding at the
 * view's centre). `useReactFlow()` re-renders its caller once the viewport is initialised (its
 * `viewportInitialized` flag), which re-rendered the whole shell in a commit of its own right after
 * the first, before the first frame (docs/benchmarks.md#the-first-load). Every method of the instance
 * reads React Flow's store when it is called, so the first instance serves for good and only this
 * provider re-renders.
 */
const FlowApi = createContext<ReactFlowInstance>(null!);

export function FlowApiProvider({ children }: { children: ReactNode }) {
  const [first] = useState(useReactFlow());
  return <FlowApi value={first}>{children}</FlowApi>;
}

/** The canvas's React Flow instance, without re-rendering when React Flow's viewport initialises. */
export const useFlowApi = (): ReactFlowInstance => useContext(FlowApi);
