import type { PortSpec } from "./ports";
import type { ParamSpecs, ParamValues } from "./params";
import type { DiagnosticCode, InnerPlace, Severity } from "./diagnostics";
import type { RequestField, RequestFields, RequestItems, RequestList } from "./request";
import type { NodeViews } from "./views";

export const ENDPOINTS = ["fal-ai/lora", "fal-ai/lora/image-to-image", "fal-ai/lora/inpaint"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Where a request value came from: a node, and the param (or port) on it. */
export interface Source {
  nodeId: string;
  field?: string;
  /** Inside a component: `nodeId` is the instance; this is the inner node and field. */
  inner?: InnerPlace;
}

/** A value travelling along a wire, remembering who produced it (for the sourceMap). */
export class Sourced<T = unknown> {
  constructor(
    readonly value: T,
    readonly source: Source,
  ) {}
  #picked: Map<string, Sourced> | undefined;
  /** The same origin node, pointed at one of its fields. */
  pick<K extends keyof T & string>(key: K): Sourced<T[K]> {
    // Remembered: every IP-Adapter picks the same three fields of its shared encoder's value, and
    // a Sourced never changes, so one object per field serves them all.
    let hit = this.#picked?.get(key);
    if (!hit)
      (this.#picked ??= new Map()).set(
        key,
        (hit = new Sourced((this.value as T)[key], { nodeId: this.source.nodeId, field: key })),
      );
    return hit as Sourced<T[K]>;
  }
}

export interface SetOptions {
  /** Code and message used when another node already set this field to a different value. */
  conflict?: { code: DiagnosticCode; message: string };
}

/**
 * A value for a request field: plain (attributed to the node writing it) or Sourced (keeping its
 * origin, e.g. an Image node's url arriving on a port). `undefined`, plain or inside a Sourced,
 * leaves the field out.
 */
export type Sendable<T> = T | Sourced<T | undefined> | undefined;

/** A list item as a node appends it: any of the item's fields, each Sendable. */
export type SendableItem<L extends RequestList> = { [F in keyof RequestItems[L]]?: Sendable<RequestItems[L][F]> };

/**
 * What a node may do while the compiler flattens the graph. Everything it writes is source-mapped.
 * `set` and `append` are typed against the request (src/graph/request.ts): a wrong field name or
 * a value of the wrong shape is a type error in the node's definition.
 */
export interface ContributeContext<V> {
  readonly nodeId: string;
  readonly params: V;
  /** The value on a single input, or undefined when unwired. */
  input<T = unknown>(port: string): Sourced<T> | undefined;
  /** All values on an input, in wire order. */
  inputs<T = unknown>(port: string): Sourced<T>[];
  /** Publishes a value on an output port; `field` names the param it came from. */
  emit(port: string, value: unknown, field?: string): void;
  /**
   * Sets a top-level request field. A plain value is attributed to this node and `field`
   * (which defaults to the request key); a Sourced value keeps its own origin.
   */
  set<K extends RequestField>(key: K, value: Sendable<RequestFields[K]>, options?: SetOptions): void;
  /**
   * Appends an item to a request list and returns its index. Plain values in the item are
   * attributed to this node and their key; Sourced values keep their own origin.
   * Undefined values are dropped so the request stays minimal. The compiler keeps `item` to
   * build the sourceMap later, so pass a fresh object and leave it unchanged afterwards.
   */
  append<L extends RequestList>(list: L, item: SendableItem<L>): number;
  /** Chooses the endpoint (output nodes only). */
  setEndpoint(endpoint: Endpoint): void;
  report(severity: Severity, code: DiagnosticCode, message: string, field?: string): void;
}

export interface NodeMigration {
  /** Applies to documents whose node has typeVersion === from; produces typeVersion from + 1. */
  from: number;
  name: string;
  up(params: Record<string, unknown>): Record<string, unknown>;
}

export interface NodeExplainer {
  /** What the node does, in diffusion terms. */
  summary: string;
  /** Per param: what it does and typical values. */
  params?: Record<string, string>;
  mistakes?: string[];
}

/** A palette group and the colour its nodes wear (dot, header, minimap). Data, shared by reference. */
export interface NodeCategory {
  readonly name: string;
  /** A CSS hex colour, e.g. "#a78bfa". */
  readonly color: string;
}

export interface NodeDefinition<P extends ParamSpecs = ParamSpecs> {
  type: string;
  version: number;
  title: string;
  category: NodeCategory;
  description: string;
  /**
   * What users of other tools call this node or what it does ("KSampler", "img2img", "canny"):
   * the add-node search finds it by these too.
   */
  aliases?: readonly string[];
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  params: P;
  /** Append-only, ordered by `from`. */
  migrations?: readonly NodeMigration[];
  /** The compiler emits one request per output node. */
  isOutput?: boolean;
  /** The node contributes nothing (notes). */
  inert?: boolean;
  /**
   * The teaching text (the inspector, the add-node search, `lora-graph explain`). A catalogue node
   * type keeps it in a module of its own, `() => import("./explain")`, so that the editor's first
   * load does not carry it (docs/codebase.md#the-first-load); read it with `explainerOf` once
   * `loadExplainers` has fetched it. Components and other made-up types give it inline.
   */
  explain?: NodeExplainer | (() => Promise<{ default: NodeExplainer }>);
  /**
   * For a node that appends one item to a request list: the params (named as the item's fields),
   * general to specific, that say what the item loads. Two items alike in them are the same thing
   * (the request diff matches items across two requests by them, and names an item by the most
   * specific one set). Default: `["path"]`, which every list item has.
   */
  itemIdentity?: readonly string[];
  /**
   * Pictures the editor draws for this node, by kind (src/graph/views.ts): a closed set the editor
   * maps to views it loads on demand, so the editor never asks which node type it is drawing.
   */
  views?: NodeViews;
  /**
   * The params a zoomed-out canvas shows under the title, in large type, most telling first (a
   * LoRA's file and scale, a prompt's start): what tells this node apart from others of its type
   * when its widgets are too small to read.
   */
  glance?: readonly string[];
  contribute?(ctx: ContributeContext<ParamValues<P>>): void;
}

/**
 * Sends each of `fields` of a wired value under its own name: a Scheduler's or an Image
 * encoder's params arrive on one port and are sent by the node they are wired to.
 * @example
 * sendFields(ctx, ctx.input("scheduler"), ["scheduler", "num_inference_steps"]);
 */
export function sendFields<K extends RequestField>(
  ctx: Pick<ContributeContext<unknown>, "set">,
  value: Sourced | undefined,
  fields: readonly K[],
  options?: SetOptions,
): void {
  // The wired node emits its params, whose keys are these fields (the naming rule); a missing one is left out.
  const fieldsOf = value as Sourced<Partial<Pick<RequestFields, K>>> | undefined;
  if (fieldsOf) for (const key of fields) ctx.set(key, fieldsOf.pick(key), options);
}

/** Identity helper that keeps `contribute`'s params typed from the param specs. */
export function defineNode<P extends ParamSpecs>(def: NodeDefinition<P>): NodeDefinition<P> {
  return def;
}

/**
 * What a new node holds: only what it cannot do without, the defaults of required params (a Base
 * model's model). Other defaults stay unset and show as placeholders, so a request carries only
 * what the user set, wherever the node came from (palette, sidebar, paste, a template).
 */
export function requiredDefaults(def: NodeDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(def.params))
    if (spec.required && spec.default !== undefined) out[key] = structuredClone(spec.default);
  return out;
}

/** Every spec's default: what fal would use for each param left unset. */
export function defaultParams(def: NodeDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(def.params)) {
    if (spec.default !== undefined) out[key] = structuredClone(spec.default);
  }
  return out;
}
