/**
 * Working inside a component (docs/components.md#the-editor). The store's document is always the
 * whole pipeline: persistence, the compiler and runs never see anything else. What the canvas
 * shows and the commands edit is the *view* of the current scope: at the top, the document
 * itself; inside an instance, its definition's nodes and wires, with two stand-in nodes for the
 * component's inputs and outputs. An edit made on the view is written into the shared definition
 * in the same undo step, so every instance follows and one Ctrl+Z reverts it.
 */
import { current, isDraft, type Draft } from "immer";
import {
  canonicalJson,
  COMPONENT_CATEGORY,
  COMPONENT_INPUT,
  componentKey,
  hashComponent,
  instanceRef,
  type ComponentDefinition,
  type NodeDefinition,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from "../../graph";
import { weakMemo2 } from "../../shared/weakMemo";

/** One level of the path into nested components: the instance entered, and its definition's key. */
export interface ScopeStep {
  readonly instance: string;
  readonly key: string;
}
export type Scope = readonly ScopeStep[];

/** The stand-in node for the component's outputs (its inputs' id is COMPONENT_INPUT). */
export const COMPONENT_OUTPUT = "@output";
const IO_TYPE = { in: "@inputs:", out: "@outputs:" } as const;
const OUTPUT_WIRE = "@out:";

/** Whether a view node is one of the stand-ins for the component's own ports (not editable). */
export const isPortStandIn = (node: Pick<WorkflowNode, "type">) =>
  node.type.startsWith(IO_TYPE.in) || node.type.startsWith(IO_TYPE.out);

export const definitionOf = (doc: WorkflowDocument, key: string): ComponentDefinition | undefined =>
  doc.components?.find((c) => componentKey(c.id, c.version) === key);

/**
 * The scope as far as it still holds in `doc`: an undo that removed the component, or a detach,
 * ends the path at the last level that exists.
 */
export function validScope(doc: WorkflowDocument, scope: Scope): Scope {
  let nodes = doc.nodes;
  for (let i = 0; i < scope.length; i++) {
    const node = nodes.find((n) => n.id === scope[i].instance);
    const ref = node && instanceRef(node);
    const def = ref && ref.key === scope[i].key ? definitionOf(doc, ref.key) : undefined;
    if (!def) return scope.slice(0, i);
    nodes = def.nodes;
  }
  return scope;
}

/** What the canvas shows for `scope` in `doc` (the document itself at the top). */
export function scopeView(doc: WorkflowDocument, scope: Scope): WorkflowDocument {
  return scope.length ? componentView(doc, scope[scope.length - 1].key) : doc;
}

/**
 * The view inside the component `key` of `doc`, once per document: a commit asks for it twice
 * (pruning the selection, then the new state), and every view reading the same state shares one.
 */
const componentView = weakMemo2((doc: WorkflowDocument, key: string): WorkflowDocument => {
  const def = definitionOf(doc, key);
  if (!def) return doc;
  return { ...doc, nodes: [...def.nodes, ...standIns(def)], edges: [...def.edges, ...outputWires(def)] };
});

/**
 * The inputs left of the inner nodes, the outputs right of them; their own nodes come last so
 * indexes match the definition's.
 */
function standIns(def: ComponentDefinition): WorkflowNode[] {
  const xs = def.nodes.map((n) => n.position.x);
  const ys = def.nodes.map((n) => n.position.y);
  const left = xs.length ? Math.min(...xs) : 0;
  const right = xs.length ? Math.max(...xs) : 0;
  const top = ys.length ? Math.min(...ys) : 0;
  const key = componentKey(def.id, def.version);
  const node = (id: string, type: string, x: number): WorkflowNode => ({
    id,
    type,
    typeVersion: 1,
    position: { x, y: top },
    params: {},
  });
  return [node(COMPONENT_INPUT, IO_TYPE.in + key, left - 300), node(COMPONENT_OUTPUT, IO_TYPE.out + key, right + 340)];
}

function outputWires(def: ComponentDefinition): WorkflowEdge[] {
  return def.outputs.map((o) => ({
    id: `${OUTPUT_WIRE}${o.id}`,
    source: o.node,
    sourceHandle: o.port,
    target: COMPONENT_OUTPUT,
    targetHandle: o.id,
  }));
}

/** The node types of the stand-ins: the component's inputs as outputs, and its outputs as inputs. */
export function standInDefinition(type: string, defs: readonly ComponentDefinition[] | undefined) {
  const side = type.startsWith(IO_TYPE.in) ? "in" : type.startsWith(IO_TYPE.out) ? "out" : undefined;
  if (!side) return undefined;
  const key = type.slice(IO_TYPE[side].length);
  const def = defs?.find((c) => componentKey(c.id, c.version) === key);
  if (!def) return undefined;
  const ports = (side === "in" ? def.inputs : def.outputs).map((p) => ({ id: p.id, kind: p.kind, label: p.label }));
  const made: NodeDefinition = {
    type,
    version: 1,
    title: side === "in" ? "Component inputs" : "Component outputs",
    category: COMPONENT_CATEGORY,
    description:
      side === "in"
        ? "What the wires into the instance bring. Wire these to the nodes inside."
        : "What the instance gives to the nodes it is wired to. Wire an inner node's output here to change it.",
    inputs: side === "out" ? ports : [],
    outputs: side === "in" ? ports : [],
    params: {},
    explain: { summary: side === "in" ? "The component's inputs." : "The component's outputs." },
  };
  return made;
}

type Recipe = (draft: Draft<WorkflowDocument>) => void;

/**
 * `recipe`, written for the view, applied to the definition the scope is in. The view's nodes
 * and wires are the definition's (the stand-ins are left out, and come last in the view, so a
 * node's index is the same in both); meta and components are the document's.
 */
export function scopedRecipe(doc: WorkflowDocument, scope: Scope, recipe: Recipe): Recipe {
  if (!scope.length) return recipe;
  const key = scope[scope.length - 1].key;
  if (!definitionOf(doc, key)) return recipe;
  return (d) => {
    // Found by key at each use: a recipe may replace the components list (making one inside).
    const def = () => d.components!.find((c) => componentKey(c.id, c.version) === key)!;
    const view = {
      get nodes() {
        return def().nodes;
      },
      set nodes(v) {
        def().nodes = v;
      },
      get edges() {
        return def().edges;
      },
      set edges(v) {
        def().edges = v;
      },
      get components() {
        return d.components;
      },
      set components(v) {
        d.components = v;
      },
      get meta() {
        return d.meta;
      },
    } as Draft<WorkflowDocument>;
    recipe(view);
    const edited = d.components?.find((c) => componentKey(c.id, c.version) === key);
    // A definition the recipe replaced whole (exposing a field) comes made already.
    if (edited && isDraft(edited)) settleDefinition(edited);
  };
}

/**
 * Keeps an edited definition valid and its hash true: a wire drawn to the outputs stand-in moves
 * that output, params of deleted nodes go, and an exposed param's default follows its inner
 * field (inside, the inner value is what an instance gets unless it overrides it).
 */
function settleDefinition(def: Draft<ComponentDefinition>): void {
  if (def.nodes.some(isPortStandIn)) def.nodes = def.nodes.filter((n) => !isPortStandIn(n));
  const toOutput = def.edges.filter((e) => e.target === COMPONENT_OUTPUT);
  if (toOutput.length) {
    for (const e of toOutput) {
      const out = def.outputs.find((o) => o.id === e.targetHandle);
      if (out) Object.assign(out, { node: e.source, port: e.sourceHandle });
    }
    def.edges = def.edges.filter((e) => e.target !== COMPONENT_OUTPUT && e.source !== COMPONENT_OUTPUT);
  }
  const ids = new Set(def.nodes.map((n) => n.id));
  if (def.params.some((p) => !ids.has(p.node))) def.params = def.params.filter((p) => ids.has(p.node));
  for (const p of def.params) {
    const value = def.nodes.find((n) => n.id === p.node)?.params[p.field];
    const plain = isDraft(value) ? current(value) : value;
    if (plain === undefined) delete p.default;
    else if (p.default !== plain && canonicalJson(p.default) !== canonicalJson(plain)) p.default = plain;
  }
  const hash = hashComponent(current(def) as ComponentDefinition);
  if (def.hash !== hash) def.hash = hash;
}
