import { useLayoutEffect, useRef, useState } from "react";

/** Tallest a note grows before it scrolls (a fade at the bottom then says there is more). */
export const NOTE_MAX_HEIGHT = 320;

/** A note's text: the box grows with its text, so a note never hides its end without a sign. */
export function NoteText({ value, onChange }: { value: string; onChange(text: string): void }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [more, setMore] = useState(false);
  const measure = () => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    const full = el.scrollHeight + 2;
    el.style.height = `${Math.min(full, NOTE_MAX_HEIGHT)}px`;
    setMore(full > NOTE_MAX_HEIGHT && el.scrollTop + el.clientHeight < el.scrollHeight - 4);
  };
  useLayoutEffect(measure, [value]);
  return (
    <div className={`note-wrap ${more ? "more" : ""}`}>
      <textarea
        ref={ref}
        className="note-text nodrag nowheel"
        aria-label="Note text"
        value={value}
        placeholder="Write a note…"
        onScroll={measure}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
