/**
 * The editor's component commands (docs/components.md#the-editor): make one from the selection,
 * enter and leave one, detach an instance, expose an inner field. Each change of the document is
 * one undo step through the store; entering and leaving are not steps.
 */
import {
  canonicalJson,
  COMPONENT_INPUT,
  componentKey,
  edgeBetween,
  instanceRef,
  instanceType,
  nodeDisplayNames,
  usedComponents,
  withHash,
  type ComponentDefinition,
  type ComponentParam,
  type ComponentInput,
  type ComponentOutput,
  type WorkflowEdge,
  type Registry,
  type WorkflowDocument,
  type WorkflowNode,
} from "../../graph";
import { extractComponent } from "../../graph/componentEdits";
import type { EditorStore } from "../store/types";
import type { CommandResult } from "./enter";
import { definitionOf, isPortStandIn, type Scope } from "../store/scope";

export type { CommandResult } from "./enter";
// Entering and leaving are on the first load (the breadcrumb, Tab and Escape); the rest is not.
export { enterInstance, leaveTo } from "./enter";

/** A field of a selected node that can be exposed on the new component. */
export interface ExposeChoice {
  id: string;
  node: string;
  field: string;
  label: string;
  /** Differs from its type's default: exposed unless the user says otherwise (as the CLI does). */
  changed: boolean;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64) || "component";

/** A component id no definition of `doc` has yet: `local/style-stack`, then `local/style-stack-2`. */
export function freshComponentId(doc: WorkflowDocument, name: string): string {
  const taken = new Set((doc.components ?? []).map((c) => c.id));
  const base = `local/${slug(name)}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Every field of the selected nodes the make-component dialog offers, changed ones first marked. */
export function exposeChoices(view: WorkflowDocument, ids: readonly string[], registry: Registry): ExposeChoice[] {
  const picked = new Set(ids);
  const nodes = view.nodes.filter((n) => picked.has(n.id) && !isPortStandIn(n));
  const names = nodeDisplayNames(nodes, registry);
  const out: ExposeChoice[] = [];
  for (const n of nodes) {
    const def = registry.get(n.type);
    if (!def || def.inert) continue;
    for (const [field, spec] of Object.entries(def.params)) {
      const value = n.params[field];
      const changed = value !== undefined && canonicalJson(value) !== canonicalJson(spec.default);
      out.push({ id: `${n.id}.${field}`, node: n.id, field, label: `${names.get(n.id)} › ${spec.label}`, changed });
    }
  }
  return out;
}

/**
 * Replaces the selected nodes of the view with one instance of a new component (src/graph/extract.ts),
 * exposing the chosen fields, in one undo step. Refused, with the reason, as extract refuses.
 */
export function makeComponent(
  store: EditorStore,
  ids: readonly string[],
  options: { name: string; expose: readonly ExposeChoice[] },
): CommandResult<{ instanceId: string }> {
  const { view } = store.getState();
  const name = options.name.trim();
  if (!name) return { ok: false, reason: "give the component a name" };
  const own = ids.filter((id) => !view.nodes.some((n) => n.id === id && isPortStandIn(n)));
  const id = freshComponentId(view, name);
  const r = extractComponent(view, own, { name, id }, store.registry);
  if (!r.ok) return { ok: false, reason: r.reason };
  const params: ComponentParam[] = options.expose.map((c) => {
    const value = view.nodes.find((n) => n.id === c.node)?.params[c.field];
    return {
      id: c.id,
      label: c.label,
      node: c.node,
      field: c.field,
      ...(value !== undefined ? { default: value } : {}),
    };
  });
  const def = withHash({ ...r.definition, params });
  const components = r.document.components!.map((c) => (c === r.definition ? def : c));
  store.applyChange(
    `Make component ${name}`,
    { nodes: r.document.nodes, edges: r.document.edges, components },
    { selection: { nodes: [r.instanceId], edges: [] } },
  );
  return { ok: true, instanceId: r.instanceId };
}

/**
 * Gives one instance its own copy of the definition, under a new id: later edits of either no
 * longer reach the other. The old definition goes when nothing uses it any more.
 */
export function detachInstance(store: EditorStore, instanceId: string): CommandResult<{ id: string }> {
  const { view, document } = store.getState();
  const node = view.nodes.find((n) => n.id === instanceId);
  const ref = node && instanceRef(node);
  const def = ref && definitionOf(document, ref.key);
  if (!node || !def) return { ok: false, reason: "that node is not an instance of a component the pipeline carries" };
  const id = freshComponentId(document, def.id.slice(def.id.indexOf("/") + 1));
  const copy: ComponentDefinition = withHash({ ...def, id, version: "1.0.0" });
  const nodes = view.nodes.map((n) => (n.id === instanceId ? { ...n, type: instanceType(id, copy.version) } : n));
  const all = [...(document.components ?? []), copy];
  // Still used: by another instance here, elsewhere in the pipeline, or inside another component.
  const roots = [...nodes, ...otherLevels(document, store.getState().scope)];
  const components = usedComponents(roots, all) ?? [];
  store.applyChange(
    `Detach ${node.label ?? def.title}`,
    { nodes, components },
    { selection: { nodes: [instanceId], edges: [] } },
  );
  return { ok: true, id };
}

/** The nodes outside the view: the pipeline's when inside a component (the view's own are replaced). */
function otherLevels(doc: WorkflowDocument, scope: Scope): WorkflowNode[] {
  return scope.length ? doc.nodes : [];
}

/** Shows an inner field on every instance of the component the canvas is inside. */
export function exposeField(store: EditorStore, nodeId: string, field: string): CommandResult<{ id: string }> {
  const { scope, document, view } = store.getState();
  if (!scope.length) return { ok: false, reason: "open a component first" };
  const key = scope[scope.length - 1].key;
  const def = definitionOf(document, key);
  const node = view.nodes.find((n) => n.id === nodeId);
  const spec = node && store.registry.get(node.type)?.params[field];
  if (!def || !node || !spec) return { ok: false, reason: "there is no such field here" };
  if (def.params.some((p) => p.node === nodeId && p.field === field))
    return { ok: false, reason: "that field is already shown on the component" };
  let id = `${nodeId}.${field}`;
  for (let i = 2; def.params.some((p) => p.id === id); i++) id = `${nodeId}.${field}-${i}`;
  const name = nodeDisplayNames(
    view.nodes.filter((n) => !isPortStandIn(n)),
    store.registry,
  ).get(nodeId);
  const value = node.params[field];
  const param: ComponentParam = { id, label: `${name} › ${spec.label}`, node: nodeId, field };
  if (value !== undefined) param.default = value;
  const components = (document.components ?? []).map((c) =>
    componentKey(c.id, c.version) === key ? withHash({ ...c, params: [...c.params, param] }) : c,
  );
  store.applyChange(`Expose ${param.label}`, { components });
  return { ok: true, id };
}

/**
 * An inner node's port about to become a port of the component the canvas is inside: its spec,
 * an id no port of that side has, and its label (with the node's name when the label is taken).
 */
function newPort(store: EditorStore, nodeId: string, portId: string, side: "inputs" | "outputs") {
  const here = entered(store);
  if (!here) return { ok: false as const, reason: "open a component first" };
  const { key, def } = here;
  const node = def.nodes.find((n) => n.id === nodeId);
  const spec = node && store.registry.get(node.type)?.[side].find((p) => p.id === portId);
  if (!node || !spec) return { ok: false as const, reason: `there is no such ${side.slice(0, -1)} here` };
  const taken: readonly { id: string; label: string }[] = def[side];
  let id = portId;
  for (let i = 2; taken.some((p) => p.id === id); i++) id = `${portId}-${i}`;
  const name = nodeDisplayNames(def.nodes, store.registry).get(nodeId);
  const label = taken.some((p) => p.label === spec.label) ? `${name} › ${spec.label}` : spec.label;
  return { ok: true as const, key, def, spec, id, label };
}

/** The definition the canvas is inside, and its key. */
function entered(store: EditorStore): { key: string; def: ComponentDefinition } | undefined {
  const { scope, document } = store.getState();
  const key = scope[scope.length - 1]?.key;
  const def = key ? definitionOf(document, key) : undefined;
  return key && def ? { key, def } : undefined;
}

/**
 * Removes an input or output of the component the canvas is inside, with every wire to or from
 * it on its instances at every level, in one undo step. Refused when an outer component passes
 * the output on as its own output (that port would lead nowhere).
 */
export function removePort(store: EditorStore, side: "in" | "out", portId: string): CommandResult {
  const here = entered(store);
  if (!here) return { ok: false, reason: "open a component first" };
  const { key, def } = here;
  const port = (side === "in" ? def.inputs : def.outputs).find((p) => p.id === portId);
  if (!port) return { ok: false, reason: `the component has no ${side === "in" ? "input" : "output"} ${portId}` };
  const { document } = store.getState();
  const instances = (nodes: readonly WorkflowNode[]) =>
    new Set(nodes.filter((n) => instanceRef(n)?.key === key).map((n) => n.id));
  const all = document.components ?? [];
  if (side === "out")
    for (const c of all) {
      const inst = instances(c.nodes);
      const on = c.outputs.find((o) => inst.has(o.node) && o.port === portId);
      if (on)
        return {
          ok: false,
          reason: `${c.title} gives this port on as its output “${on.label}”: remove that port of ${c.title} first`,
        };
    }
  const wireOf = (nodes: readonly WorkflowNode[]) => {
    const inst = instances(nodes);
    return (e: WorkflowEdge) =>
      side === "out"
        ? inst.has(e.source) && e.sourceHandle === portId
        : inst.has(e.target) && e.targetHandle === portId;
  };
  const components = all.map((c) => {
    if (componentKey(c.id, c.version) === key)
      return withHash(
        side === "in"
          ? {
              ...c,
              inputs: c.inputs.filter((p) => p.id !== portId),
              edges: c.edges.filter((e) => !(e.source === COMPONENT_INPUT && e.sourceHandle === portId)),
            }
          : { ...c, outputs: c.outputs.filter((p) => p.id !== portId) },
      );
    const cut = wireOf(c.nodes);
    return c.edges.some(cut) ? withHash({ ...c, edges: c.edges.filter((e) => !cut(e)) }) : c;
  });
  const cut = wireOf(document.nodes);
  store.applyChange(
    `Remove port ${port.label}`,
    { edges: document.edges.filter((e) => !cut(e)), components },
    { pipeline: true },
  );
  return { ok: true };
}

/** Gives an inner node's output port to the component the canvas is inside, as a new output. */
export function exposeOutput(store: EditorStore, nodeId: string, portId: string): CommandResult<{ id: string }> {
  const port = newPort(store, nodeId, portId, "outputs");
  if (!port.ok) return port;
  const { key, def, spec, id, label } = port;
  if (def.outputs.some((o) => o.node === nodeId && o.port === portId))
    return { ok: false, reason: "that output is already one of the component's" };
  const out: ComponentOutput = { id, label, kind: spec.kind, node: nodeId, port: portId };
  const components = (store.getState().document.components ?? []).map((c) =>
    componentKey(c.id, c.version) === key ? withHash({ ...c, outputs: [...c.outputs, out] }) : c,
  );
  store.applyChange(`Expose output ${label}`, { components });
  return { ok: true, id };
}

/**
 * Gives an inner node's input port to the component the canvas is inside, as a new input: every
 * instance grows that port (unwired) in the same undo step. Refused when the port is wired
 * already and takes one wire only.
 */
export function exposeInput(store: EditorStore, nodeId: string, portId: string): CommandResult<{ id: string }> {
  const port = newPort(store, nodeId, portId, "inputs");
  if (!port.ok) return port;
  const { key, def, spec, id, label } = port;
  if (!spec.multiple && def.edges.some((e) => e.target === nodeId && e.targetHandle === portId))
    return { ok: false, reason: `${spec.label} is wired already; remove its wire first` };
  const input: ComponentInput = {
    id,
    label,
    kind: spec.kind,
    ...(spec.multiple ? { multiple: true } : {}),
    ...(spec.required ? { required: true } : {}),
  };
  const wire = edgeBetween({ node: COMPONENT_INPUT, port: id }, { node: nodeId, port: portId });
  const components = (store.getState().document.components ?? []).map((c) =>
    componentKey(c.id, c.version) === key
      ? withHash({ ...c, inputs: [...c.inputs, input], edges: [...c.edges, wire] })
      : c,
  );
  store.applyChange(`Expose input ${label}`, { components });
  return { ok: true, id };
}

/**
 * Stops showing exposed param `paramId` of definition `key` on its instances: the param goes, and
 * so do the overrides of it on every instance, at every level, in one undo step (the instances
 * then use the inner field's own value). Refused when an outer component shows that field as its
 * own (its param would lead nowhere).
 */
export function unexposeField(store: EditorStore, key: string, paramId: string): CommandResult {
  const { document } = store.getState();
  const def = definitionOf(document, key);
  const param = def?.params.find((p) => p.id === paramId);
  if (!def || !param) return { ok: false, reason: "the component does not show that field" };
  const all = document.components ?? [];
  for (const c of all) {
    const on = c.params.find(
      (p) => p.field === paramId && instanceRef(c.nodes.find((n) => n.id === p.node) ?? { type: "" })?.key === key,
    );
    if (on) return { ok: false, reason: `${c.title} shows this field as its own “${on.label}”: remove it there first` };
  }
  const clear = (nodes: WorkflowNode[]) =>
    nodes.some((n) => instanceRef(n)?.key === key && Object.hasOwn(n.params, paramId))
      ? nodes.map((n) => {
          if (instanceRef(n)?.key !== key || !Object.hasOwn(n.params, paramId)) return n;
          const { [paramId]: _gone, ...params } = n.params;
          return { ...n, params };
        })
      : nodes;
  const components = all.map((c) => {
    if (componentKey(c.id, c.version) === key)
      return withHash({ ...c, params: c.params.filter((p) => p.id !== paramId) });
    const nodes = clear(c.nodes);
    return nodes === c.nodes ? c : withHash({ ...c, nodes });
  });
  store.applyChange(
    `Remove ${param.label} from ${def.title}`,
    { nodes: clear(document.nodes), components },
    { pipeline: true },
  );
  return { ok: true };
}
