import { useEffect, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";

/**
 * Renders inside the canvas element when there is one, so overlays sit on the canvas whatever
 * bars the app adds above it; falls back to the page (fixed position) otherwise.
 */
export function OnCanvas({ children }: { children: ReactNode }) {
  const [host, setHost] = useState<Element | null>(null);
  useEffect(() => {
    setHost(document.querySelector(".canvas"));
  }, []);
  return host ? (
    createPortal(<div className="lg-on-canvas">{children}</div>, host)
  ) : (
    <div className="lg-on-page">{children}</div>
  );
}
