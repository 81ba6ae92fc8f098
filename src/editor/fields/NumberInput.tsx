import { useEffect, useRef, useState } from "react";

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

/** Plain decimal notation only: "0x10", "1_000" or "Infinity" are not numbers a person means here. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** What a number looks like half-typed: "-", ".", "1.", "1e", "1e-". */
const PARTIAL = /^[+-]?(\d*\.?\d*)([eE][+-]?)?$/;

/** The number `text` holds, or why it holds none. */
export function parseNumber(text: string): { value: number } | { error: string; partial: boolean } {
  const t = text.trim();
  if (DECIMAL.test(t)) {
    const value = Number(t);
    if (Number.isFinite(value)) return { value };
    return { error: `${t} is too large to be a number here`, partial: false };
  }
  return { error: `"${t}" is not a number`, partial: PARTIAL.test(t) };
}

const shown = (v: number | undefined) => (v === undefined ? "" : String(v));

/**
 * A number box that keeps the user's half-typed text ("0.", "-") while the value stays numeric.
 * It never displays a value it does not hold: text that is no number is named under the field
 * and replaced by the held value when the field loses focus. Out-of-range numbers are passed on,
 * not clamped: the diagnostic explains them instead.
 */
export function NumberInput({ id, value, onChange, min, max, step, placeholder, invalid, className, ...rest }: Props) {
  const [draft, setDraft] = useState(shown(value));
  const [error, setError] = useState<string | null>(null);
  // The value when editing began: refused text goes back to it, not to whatever a prefix of the
  // text happened to be ("1e99" on the way to "1e999").
  const [start, setStart] = useState(value);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Refused text being edited stays, with its message; anything else shows the new value.
    const editing = document.activeElement === input.current;
    setDraft((d) => {
      const p = parseNumber(d);
      if ("value" in p) return p.value === value ? d : shown(value);
      return editing && d.trim() !== "" ? d : shown(value);
    });
    if (!editing) setError(null);
  }, [value]);
  const held = start === undefined ? "it stays unset" : `it stays ${start}`;
  const revert = () => {
    setDraft(shown(start));
    setError(null);
    if (start !== value) onChange(start);
  };
  return (
    <span className={`num-box ${className ?? ""}`}>
      <input
        ref={input}
        id={id}
        className="input num"
        type="text"
        inputMode="decimal"
        aria-invalid={invalid || !!error || undefined}
        aria-label={rest["aria-label"]}
        aria-describedby={error && id ? `${id}-num-error` : undefined}
        value={draft}
        placeholder={placeholder}
        data-min={min}
        data-max={max}
        data-step={step}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          if (text.trim() === "") {
            setError(null);
            return onChange(undefined);
          }
          const p = parseNumber(text);
          if ("value" in p) {
            setError(null);
            onChange(p.value);
          } else if (!p.partial) {
            // The field holds the value from before this edit, not a prefix of the text ("0" of "0x10").
            setError(`${p.error}: ${held}`);
            if (value !== start) onChange(start);
          }
        }}
        onFocus={() => setStart(value)}
        onBlur={() => {
          // Refused or half-typed text goes back to the value the field held when editing began.
          if (draft.trim() !== "" && !("value" in parseNumber(draft))) revert();
          else setDraft(shown(value));
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Escape" && error) {
            e.stopPropagation();
            return revert();
          }
          if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
          e.preventDefault();
          const s = (step ?? 1) * (e.shiftKey ? 10 : 1);
          let n = (value ?? 0) + (e.key === "ArrowUp" ? s : -s);
          if (min !== undefined) n = Math.max(min, n);
          if (max !== undefined) n = Math.min(max, n);
          n = Number(n.toFixed(6));
          setDraft(String(n));
          setError(null);
          onChange(n);
        }}
      />
      {error && (
        <span className="num-error" role="alert" id={id ? `${id}-num-error` : undefined}>
          {error}
        </span>
      )}
    </span>
  );
}
