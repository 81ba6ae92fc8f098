import { useEffect, useRef, type ReactNode } from "react";
import { Icon } from "./icons";

/** A centred dialog; Escape or the backdrop closes it. */
export function Modal({
  title,
  onClose,
  children,
  width = 560,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  width?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const root = ref.current;
    // A field first, else the first answer in the footer (dialogs put the safe one first), and
    // only then any button: one selector list would match the header's close button first.
    (
      root?.querySelector<HTMLElement>("textarea, input, select") ??
      root?.querySelector<HTMLElement>(".modal-foot button") ??
      root?.querySelector<HTMLElement>("button")
    )?.focus();
    return () => prev?.focus?.();
  }, []);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        style={{ width }}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="modal-head">
          <h2>{title}</h2>
          <button className="icon-btn" aria-label="Close" onClick={onClose}>
            <Icon name="x" />
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
