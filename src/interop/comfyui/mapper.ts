/**
 * What the mapping steps share: reading a node's inputs (literals, or literals behind a wire to
 * a primitive node), recording which nodes a request field came from, and the report of what
 * did not map.
 */
import type { Endpoint } from "../../graph";
import { fileStem } from "../models";
import type { FlatGraph, FlatNode, Link, Obj } from "./graph";
import type { ComfyNodeRef, ComfySeverity, Unmapped } from "./types";

const isHttpsUrl = (s: string) => /^https:\/\/[^\s]+$/i.test(s);

export class Mapper {
  readonly request: Obj = {};
  readonly notes: Unmapped[] = [];
  readonly labels: Record<string, string> = {};
  readonly sources: Record<string, ComfyNodeRef> = {};
  endpoint: Endpoint = "fal-ai/lora";
  /** Nodes whose meaning the request carries. */
  readonly used = new Set<string>();
  /** Nodes already named in the report. */
  readonly reported = new Set<string>();

  constructor(readonly g: FlatGraph) {}

  at(link: Link | undefined): FlatNode | undefined {
    return link ? this.g.nodes.get(link.nodeId) : undefined;
  }

  /** The wire into `node.name`, if it has one. */
  wire(node: FlatNode, name: string): Link | undefined {
    const v = node.inputs.get(name);
    return v && "link" in v ? v.link : undefined;
  }

  /** The node wired into `node.name`. */
  upstream(node: FlatNode, name: string): FlatNode | undefined {
    return this.at(this.wire(node, name));
  }

  ref(node: FlatNode): ComfyNodeRef {
    return { nodeId: node.id, classType: node.classType, ...(node.title !== undefined ? { title: node.title } : {}) };
  }

  /** `Node 12 (LoraLoader "Style")`. */
  describe(node: FlatNode): string {
    return `node ${node.id} (${node.classType}${node.title && node.title !== node.classType ? ` "${node.title}"` : ""})`;
  }

  note(severity: ComfySeverity, node: FlatNode | undefined, message: string, extra: Partial<Unmapped> = {}): void {
    this.notes.push({
      severity,
      message,
      ...(node ? { nodeId: node.id, classType: node.classType } : {}),
      ...extra,
    });
    if (node) this.reported.add(node.id);
  }

  /** Marks `node` as carried by the request, at `path` when given. */
  use(node: FlatNode, path?: string): void {
    this.used.add(node.id);
    if (path !== undefined && !Object.hasOwn(this.sources, path)) this.sources[path] = this.ref(node);
  }

  set(path: string, value: unknown, node: FlatNode): void {
    this.request[path] = value;
    this.use(node, path);
  }

  /**
   * The value of `node.name`: its literal, or the literal of a primitive-like node wired into it
   * (one that has a single value and no wires of its own, such as PrimitiveInt). Otherwise reports
   * that the value cannot be read and gives undefined.
   */
  value(node: FlatNode, name: string): unknown {
    const v = node.inputs.get(name);
    if (!v) return undefined;
    if ("value" in v) return v.value;
    const src = this.at(v.link);
    if (src) {
      const entries = [...src.inputs.entries()].filter(([k]) => k !== "control_after_generate");
      if (entries.length === 1 && "value" in entries[0][1]) {
        this.use(src);
        return entries[0][1].value;
      }
    }
    this.note(
      "warning",
      node,
      `${name} is wired from ${src ? this.describe(src) : `a node that is not in the file (${v.link.nodeId})`}, whose value the import cannot work out; set it by hand`,
      { field: name },
    );
    return undefined;
  }

  /** A finite number (an integer when `int`), or undefined with a report when present but not one. */
  num(node: FlatNode, name: string, int = false): number | undefined {
    const v = this.value(node, name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === "number" && Number.isFinite(v) && (!int || Number.isInteger(v))) return v;
    this.note("warning", node, `${name} should be ${int ? "a whole number" : "a number"}, got ${show(v)}; ignored`, {
      field: name,
    });
    return undefined;
  }

  str(node: FlatNode, name: string): string | undefined {
    const v = this.value(node, name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    this.note("warning", node, `${name} should be text, got ${show(v)}; ignored`, { field: name });
    return undefined;
  }

  /**
   * A model or image ComfyUI knows only by a local name: an https URL is used as it is; anything
   * else leaves the field empty, remembers the name as the label of `path`, and reports that the
   * user must say where it is.
   */
  localName(
    node: FlatNode,
    field: string,
    path: string,
    what: string,
    name: string | undefined,
    kind: "model" | "image" = "model",
  ): string | undefined {
    this.use(node, path);
    if (name === undefined || name === "") {
      this.note("error", node, `${what}: ${field} is empty in ComfyUI; choose one`, { field, path });
      return undefined;
    }
    if (isHttpsUrl(name)) return name;
    this.labels[path.replace(/\.(path|url|model_name)$/, "")] = name;
    this.note(
      "error",
      node,
      kind === "image"
        ? `${what} "${name}": upload it or give its URL (ComfyUI reads it from its own input folder)`
        : `${what} \`${fileStem(name)}\`: path needed (ComfyUI knows it only by its local file name ${name})`,
      { field, path },
    );
    return undefined;
  }
}

export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return String(v);
}
