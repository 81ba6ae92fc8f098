import { useEffect, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";

/**
 * Renders inside the canvas element when there is one, so overlays sit on the canvas whatever
 * bars the app adds above it; falls back to the page (fixed position) otherwise.
 */
export function OnCanvas({ children }: { children: ReactNode }) {
  // Found while rendering when the canvas is already in the page (the autosave chip comes after
  // it): a look from an effect cost one more commit, before the first frame (docs/benchmarks.md#the-first-load).
  const [host, setHost] = useState<Element | null>(() => document.querySelector(".canvas"));
  useEffect(() => {
    if (!host) setHost(document.querySelector(".canvas"));
  }, [host]);
  return host ? (
    createPortal(<div className="lg-on-canvas">{children}</div>, host)
  ) : (
    <div className="lg-on-page">{children}</div>
  );
}
