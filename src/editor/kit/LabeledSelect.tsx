import type { InputHTMLAttributes } from "react";

/** A labelled drop-down of a few options, as the sweep and batch windows set their options. */
export function LabeledSelect<T extends string | number>(p: {
  label: string;
  /** The window's label style. */
  labelClass: string;
  ariaLabel: string;
  value: T | undefined;
  options: readonly (T | { value: T; label: string })[];
  onChange(value: T): void;
}) {
  const options = p.options.map((o) => (typeof o === "object" ? o : { value: o, label: String(o) }));
  return (
    <label>
      <span className={p.labelClass}>{p.label}</span>
      <select
        className="input select"
        aria-label={p.ariaLabel}
        value={p.value}
        onChange={(e) => {
          const chosen = options.find((o) => String(o.value) === e.target.value);
          if (chosen) p.onChange(chosen.value);
        }}
      >
        {options.map((o) => (
          <option key={String(o.value)} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A labelled number or short text field, beside the drop-downs of the sweep and batch windows. */
export function LabeledInput({
  label,
  labelClass,
  ariaLabel,
  ...input
}: { label: string; labelClass: string; ariaLabel: string } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "className" | "aria-label"
>) {
  return (
    <label>
      <span className={labelClass}>{label}</span>
      <input className="input num" aria-label={ariaLabel} {...input} />
    </label>
  );
}
