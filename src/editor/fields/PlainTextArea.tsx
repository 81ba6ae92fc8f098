import type { PointerEvent, TextareaHTMLAttributes } from "react";
import { textOrUnset, type FieldProps } from "./types";

/** The multi-line text widget; extra attributes (spellCheck, data-*) pass through to the <textarea>. */
export function PlainTextArea({
  spec,
  value,
  onChange,
  id,
  invalid,
  compact,
  ...rest
}: FieldProps<string> & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange" | "id">) {
  return (
    <textarea
      {...rest}
      id={id}
      className="input textarea nowheel"
      aria-invalid={invalid || undefined}
      rows={compact ? 3 : 5}
      value={value ?? ""}
      placeholder={spec.placeholder ?? spec.description}
      onPointerUp={snapToWholeLines}
      onChange={(e) => onChange(textOrUnset(spec, e.target.value))}
    />
  );
}

/**
 * Once the user lets go of a text box's resize corner, its height snaps to the nearest whole
 * number of lines: a box left between two would cut its last line in half (styles.css, .textarea).
 * Only a box the user has resized (the browser writes its height inline) is touched.
 */
export function snapToWholeLines(e: PointerEvent<HTMLTextAreaElement>): void {
  const el = e.currentTarget;
  if (!el.style.height) return;
  const cs = getComputedStyle(el);
  const line = parseFloat(cs.lineHeight);
  if (!(line > 0)) return;
  const pad = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
  const inner = el.clientHeight - pad;
  const lines = Math.max(2, Math.round(inner / line));
  if (Math.abs(lines * line - inner) < 0.5) return;
  // border-box: the height holds the borders (and a horizontal scrollbar, if any) besides the lines.
  el.style.height = `${el.offsetHeight - inner + lines * line}px`;
}
