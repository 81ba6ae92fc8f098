import type { ParamSpec } from "../../graph";

export interface FieldProps<T = unknown> {
  spec: ParamSpec;
  value: T | undefined;
  /** undefined removes the param (the request omits the field). */
  onChange(value: T | undefined): void;
  /** DOM id for the label's htmlFor. */
  id: string;
  invalid?: boolean;
  /** Rendered inside a node body: smaller, fewer controls. */
  compact?: boolean;
  /** The text is read with Compel's weights now (its `weightedBy` param is on): draw them. */
  weighted?: boolean;
}

/**
 * What a cleared text box means: the param removed (fal's default applies), unless it is required
 * or has a default of ours.
 */
export function textOrUnset(spec: ParamSpec, text: string): string | undefined {
  return text === "" && !spec.required && spec.default === undefined ? undefined : text;
}
