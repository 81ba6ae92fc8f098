import { useEffect, useEffectEvent, useState, type ComponentType } from "react";
import type { WidgetKind } from "../../graph";
import { IMAGE_SIZE_PRESET_NAMES } from "../../graph";
import { textOrUnset, type FieldProps } from "./types";
import { PlainTextArea } from "./PlainTextArea";
import { NumberInput } from "./NumberInput";
import { ImageField } from "./ImageField";
import { KeyValueField } from "./KeyValueField";
import { Icon } from "../kit/icons";
import { WeightedTextArea } from "./PromptHighlight";

function TextField({ spec, value, onChange, id, invalid }: FieldProps<string>) {
  return (
    <input
      id={id}
      className="input"
      type="text"
      spellCheck={false}
      aria-invalid={invalid || undefined}
      value={value ?? ""}
      placeholder={spec.placeholder ?? (spec.default === undefined ? "(not set)" : undefined)}
      onChange={(e) => onChange(textOrUnset(spec, e.target.value))}
    />
  );
}

function TextAreaField({ weighted, ...props }: FieldProps<string>) {
  // Weighting is on for this text: show how Compel reads it.
  if (weighted) return <WeightedTextArea {...props} />;
  return <PlainTextArea {...props} />;
}

function NumberField(props: FieldProps<number>) {
  return <NumberInput {...numberInputProps(props)} />;
}

/** The number box of a number param, alone or beside its slider. */
function numberInputProps({ spec, value, onChange, id, invalid }: FieldProps<number>) {
  return {
    id,
    value,
    onChange,
    min: spec.min,
    max: spec.max,
    step: spec.step,
    invalid,
    placeholder: defaultHint(spec),
  };
}

/** An unset number shows what fal will use: the default, greyed. */
const defaultHint = (spec: FieldProps["spec"]) =>
  typeof spec.default === "number" ? String(spec.default) : "(not set)";

/** Range for a slider: the hard bounds, else the believed range, else none (plain number box). */
function sliderRange(spec: FieldProps["spec"]): [number, number] | null {
  const lo = spec.min ?? spec.unconfirmedRange?.min;
  const hi = spec.max ?? spec.unconfirmedRange?.max;
  return lo !== undefined && hi !== undefined && hi > lo ? [lo, hi] : null;
}

function SliderField(props: FieldProps<number>) {
  const { spec, value, onChange } = props;
  const range = sliderRange(spec);
  if (!range) return <NumberField {...props} />;
  const current = value ?? (spec.default as number | undefined) ?? range[0];
  const pct = ((Math.min(Math.max(current, range[0]), range[1]) - range[0]) / (range[1] - range[0])) * 100;
  return (
    <div className="slider-row">
      <input
        className="slider nodrag"
        type="range"
        aria-label={spec.label}
        min={range[0]}
        max={range[1]}
        step={spec.step ?? "any"}
        value={current}
        style={{ ["--pct" as string]: `${pct}%` }}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <NumberInput {...numberInputProps(props)} className="slider-num" />
    </div>
  );
}

function SelectField({ spec, value, onChange, id, invalid }: FieldProps<string>) {
  const unset = !spec.required && spec.default === undefined;
  return (
    <select
      id={id}
      className="input select"
      aria-invalid={invalid || undefined}
      value={value ?? ""}
      onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
    >
      {(unset || value === undefined) && <option value="">{unset ? "(default)" : "Choose…"}</option>}
      {value !== undefined && !spec.options?.includes(value) && <option value={value}>{value} (unknown)</option>}
      {spec.options?.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

function ToggleField({ spec, value, onChange, id }: FieldProps<boolean>) {
  const on = value ?? (spec.default as boolean | undefined) ?? false;
  return (
    <button
      id={id}
      type="button"
      role="switch"
      aria-checked={on}
      aria-label={spec.label}
      className={`switch ${on ? "on" : ""} ${value === undefined ? "is-default" : ""}`}
      title={value === undefined ? `Not set: fal's default (${on ? "on" : "off"})` : undefined}
      onClick={() => onChange(!on)}
    >
      <span className="knob" />
    </button>
  );
}

function SeedField({ spec, value, onChange, id, invalid }: FieldProps<number>) {
  return (
    <div className="row gap4">
      <NumberInput
        id={id}
        value={value}
        onChange={onChange}
        min={spec.min}
        max={spec.max}
        step={1}
        invalid={invalid}
        placeholder="random"
      />
      <button
        type="button"
        className="icon-btn"
        title="Randomize seed"
        aria-label="Randomize seed"
        onClick={() => onChange(Math.floor(Math.random() * 2 ** 32))}
      >
        <Icon name="dice" size={13} />
      </button>
      <button
        type="button"
        className="icon-btn"
        title="Clear (a new random seed each run)"
        aria-label="Clear seed"
        disabled={value === undefined}
        onClick={() => onChange(undefined)}
      >
        <Icon name="x" size={12} />
      </button>
    </div>
  );
}

type Size = string | { width?: number; height?: number };

function ImageSizeField({ spec, value, onChange, id, invalid }: FieldProps<Size>) {
  // Unset shows what fal will use, like the number fields' greyed defaults.
  const unsetLabel = typeof spec.default === "string" ? `${spec.default.replace(/_/g, " ")} (default)` : "(default)";
  const custom = typeof value === "object" && value !== null;
  return (
    <div className="col gap4">
      <select
        id={id}
        className="input select"
        aria-invalid={invalid || undefined}
        value={custom ? "__custom" : (value ?? "")}
        onChange={(e) =>
          onChange(
            e.target.value === "__custom"
              ? { width: 1024, height: 1024 }
              : e.target.value === ""
                ? undefined
                : e.target.value,
          )
        }
      >
        {value === undefined && <option value="">{unsetLabel}</option>}
        {IMAGE_SIZE_PRESET_NAMES.map((p) => (
          <option key={p} value={p}>
            {p.replace(/_/g, " ")}
          </option>
        ))}
        <option value="__custom">Custom…</option>
      </select>
      {custom && (
        <div className="row gap4 size-row">
          <NumberInput
            aria-label="Width"
            value={value.width}
            step={8}
            min={8}
            onChange={(w) => onChange({ ...value, width: w })}
          />
          <span className="muted">×</span>
          <NumberInput
            aria-label="Height"
            value={value.height}
            step={8}
            min={8}
            onChange={(h) => onChange({ ...value, height: h })}
          />
        </div>
      )}
    </div>
  );
}

/**
 * fal takes custom timesteps/sigmas as `{method: "array", array: [...]}`; other list params are
 * plain arrays. The schema decides which shape this param stores.
 */
function listShape(spec: FieldProps["spec"]): "plain" | "method-array" {
  return !spec.schema.safeParse([]).success && spec.schema.safeParse({ method: "array", array: [] }).success
    ? "method-array"
    : "plain";
}
function listItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object" && Array.isArray((value as { array?: unknown }).array))
    return (value as { array: unknown[] }).array;
  return undefined;
}

const showList = (v: unknown) => listItems(v)?.join(", ") ?? "";

/** Comma/space separated list editor; keeps the typed text until it parses. */
function listField(parse: (token: string) => unknown | undefined, what: string, sep: RegExp = /[\s,]+/) {
  return function ListField({ value, onChange, id, invalid, spec }: FieldProps<unknown>) {
    const [draft, setDraft] = useState(showList(value));
    const [bad, setBad] = useState<string | null>(null);
    // A new value from outside replaces the text unless it does not parse (the user is mid-edit);
    // the text becoming valid again is no reason to replace it.
    const typing = useEffectEvent(() => bad !== null);
    useEffect(() => {
      if (!typing()) setDraft(showList(value));
    }, [value]);
    const wrap = (items: unknown[]) => (listShape(spec) === "method-array" ? { method: "array", array: items } : items);
    return (
      <div className="col gap2">
        <input
          id={id}
          className="input mono"
          spellCheck={false}
          aria-invalid={invalid || bad !== null || undefined}
          value={draft}
          placeholder={spec.placeholder ?? `${what}, comma separated`}
          onChange={(e) => {
            const text = e.target.value;
            setDraft(text);
            const tokens = text
              .split(sep)
              .map((t) => t.trim())
              .filter(Boolean);
            if (!tokens.length) {
              setBad(null);
              return onChange(undefined);
            }
            const out: unknown[] = [];
            for (const t of tokens) {
              const v = parse(t);
              if (v === undefined) return setBad(`"${t}" is not ${what}`);
              out.push(v);
            }
            setBad(null);
            onChange(wrap(out));
          }}
        />
        {bad && <span className="field-msg error">{bad}</span>}
      </div>
    );
  };
}

const IntListField = listField((t) => (/^-?\d+$/.test(t) ? Number(t) : undefined), "a whole number");
const FloatListField = listField(
  (t) => (t.trim() !== "" && Number.isFinite(Number(t)) ? Number(t) : undefined),
  "a number",
);
const StringListField = listField((t) => t, "text", /,/);

/** Every widget kind maps to a component; a new kind in WIDGET_KINDS is a type error here until handled. */
export const WIDGETS = {
  text: TextField,
  textarea: TextAreaField,
  number: NumberField,
  slider: SliderField,
  select: SelectField,
  toggle: ToggleField,
  image: ImageField,
  seed: SeedField,
  imageSize: ImageSizeField,
  intList: IntListField,
  floatList: FloatListField,
  stringList: StringListField,
  keyValue: KeyValueField,
} satisfies Record<WidgetKind, ComponentType<FieldProps<any>>>;
