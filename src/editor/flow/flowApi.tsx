import { createContext, useContext, useState, type ReactNode } from "react";
import { useReactFlow, type Edge, type Node, type ReactFlowInstance, type useStoreApi } from "@xyflow/react";

/**
 * React Flow's instance for everything of ours that calls it (the shell, the canvas and its hooks,
 * node and wire views). `useReactFlow()` re-renders its caller once the viewport is initialised
 * (its `viewportInitialized` flag): the shell in a commit of its own right after the first, then
 * the canvas and its subtree (43 components) before the first frame
 * (docs/benchmarks.md#the-first-load). Every method of the instance reads React Flow's store when it
 * is called, so the first instance serves for good and only this provider re-renders. Its
 * `viewportInitialized` stays false: an effect that needs the viewport waits with `whenViewportReady`.
 */
const FlowApi = createContext<ReactFlowInstance | null>(null);

export function FlowApiProvider({ children }: { children: ReactNode }) {
  const [first] = useState(useReactFlow());
  return <FlowApi value={first}>{children}</FlowApi>;
}

/** The canvas's React Flow instance, without re-rendering when React Flow's viewport initialises. */
export function useFlowApi<N extends Node = Node, E extends Edge = Edge>(): ReactFlowInstance<N, E> {
  const api = useContext(FlowApi);
  if (!api) throw new Error("useFlowApi needs a FlowApiProvider inside the ReactFlowProvider");
  return api as unknown as ReactFlowInstance<N, E>;
}

/**
 * Runs `run` once React Flow's viewport exists (at once when it does): setting the view before
 * then does nothing. What an effect depending on `useReactFlow()`'s instance got by running again,
 * without the re-render. Returns what cancels the wait.
 */
export function whenViewportReady(rf: ReturnType<typeof useStoreApi>, run: () => void): () => void {
  if (rf.getState().panZoom) {
    run();
    return () => undefined;
  }
  const off = rf.subscribe((s) => {
    if (!s.panZoom) return;
    off();
    run();
  });
  return off;
}
