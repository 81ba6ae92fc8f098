import type { TextareaHTMLAttributes } from "react";
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
      onChange={(e) => onChange(textOrUnset(spec, e.target.value))}
    />
  );
}
