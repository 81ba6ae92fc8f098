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
}
