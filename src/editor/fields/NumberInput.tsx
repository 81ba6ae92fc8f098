import { useEffect, useState } from "react";

interface Props {
  id?: string;
  value: number | undefined;
  onChange(v: number | undefined): void;
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  invalid?: boolean;
  className?: string;
  "aria-label"?: string;
}

/**
 * A number box that keeps the user's half-typed text ("0.", "-") while the value stays numeric.
 * Out-of-range numbers are passed on, not clamped: the diagnostic explains them instead.
 */
export function NumberInput({ id, value, onChange, min, max, step, placeholder, invalid, className, ...rest }: Props) {
  const [draft, setDraft] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    setDraft((d) => (Number(d) === value && d.trim() !== "" ? d : value === undefined ? "" : String(value)));
  }, [value]);
  return (
    <input
      id={id}
      className={`input num ${className ?? ""}`}
      type="text"
      inputMode="decimal"
      aria-invalid={invalid || undefined}
      aria-label={rest["aria-label"]}
      value={draft}
      placeholder={placeholder}
      data-min={min}
      data-max={max}
      data-step={step}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        if (text.trim() === "") return onChange(undefined);
        const n = Number(text);
        if (Number.isFinite(n)) onChange(n);
      }}
      onKeyDown={(e) => {
        if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
        e.preventDefault();
        const s = (step ?? 1) * (e.shiftKey ? 10 : 1);
        let n = (value ?? 0) + (e.key === "ArrowUp" ? s : -s);
        if (min !== undefined) n = Math.max(min, n);
        if (max !== undefined) n = Math.min(max, n);
        n = Number(n.toFixed(6));
        setDraft(String(n));
        onChange(n);
      }}
    />
  );
}
