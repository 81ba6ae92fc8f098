/**
 * Who sends which request path, as the definitions declare it: what a registry indexes, with or
 * without the registration checks (nodeCheck.ts).
 */
import type { NodeDefinition } from "./defineNode";
import type { PortSpec } from "./ports";
import { parseRequestPath, type ParsedRequestPath, type RequestList } from "./request";

/** Who sends one request path: a param of a node type, or an input port whose wired value is sent. */
export interface RequestFeeder {
  /** As declared: "guidance_scale", "loras[].scale". */
  path: string;
  list?: RequestList;
  /** The field: the top-level key, or the key inside each list item. */
  field: string;
  def: NodeDefinition;
  param?: string;
  port?: PortSpec;
}

/** A definition's programmer error, naming its node type. */
export const fail = (def: NodeDefinition, what: string): never => {
  throw new Error(`Node type "${def.type}": ${what}`);
};

export const parsed = (def: NodeDefinition, where: string, path: string): ParsedRequestPath => {
  const p = parseRequestPath(path);
  return typeof p === "string" ? fail(def, `${where} declares request path "${path}": ${p}`) : p;
};

/** The request list a node type appends one item to, if any. */
export function requestListOf(def: NodeDefinition): RequestList | undefined {
  for (const f of declaredPaths(def)) if (f.list) return f.list;
  return undefined;
}

/** Every request path a definition declares, parsed, in declaration order (params, then inputs). */
export function declaredPaths(def: NodeDefinition): RequestFeeder[] {
  const out: RequestFeeder[] = [];
  for (const [key, spec] of Object.entries(def.params)) {
    if (spec.request !== undefined)
      out.push({ ...parsed(def, `param "${key}"`, spec.request), path: spec.request, def, param: key });
  }
  for (const port of def.inputs) {
    if (port.request !== undefined)
      out.push({ ...parsed(def, `input "${port.id}"`, port.request), path: port.request, def, port });
  }
  return out;
}
