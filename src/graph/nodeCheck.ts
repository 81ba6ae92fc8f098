/**
 * Registration checks (chaiNNer's node_check): a definition whose ports, params and declared
 * request paths disagree is refused when the registry is built, with a message naming the node
 * type and what is wrong, instead of compiling, importing or drawing wrongly later. Programmer
 * errors, so they throw.
 */
import type { NodeDefinition, NodeExplainer } from "./defineNode";
import type { ParamSpec } from "./params";
import { PORT_KINDS, type PortSpec } from "./ports";
import type { RequestList } from "./request";
import { declaredPaths, fail, parsed, requestListOf, type RequestFeeder } from "./requestPaths";
import { CANVAS_VIEW_KINDS, INSPECTOR_VIEW_KINDS, OUTPUT_VIEW_KINDS } from "./views";

function checkShape(def: NodeDefinition): void {
  if (typeof def.type !== "string" || !/^[a-z][a-z0-9_]*$/.test(def.type))
    throw new Error(`Node type ${JSON.stringify(def.type)}: a type is lower_snake_case (it is saved in files)`);
  if (!Number.isSafeInteger(def.version) || def.version < 1)
    fail(def, `version must be a whole number ≥ 1, got ${def.version}`);
  if (def.isOutput && def.inert) fail(def, "an output node cannot be inert");
  let previous = 0;
  for (const m of def.migrations ?? []) {
    if (!(m.from > previous && m.from < def.version))
      fail(
        def,
        `migration "${m.name}" from version ${m.from} is out of order (they run 1, 2, … below version ${def.version})`,
      );
    previous = m.from;
  }
  if (def.explain && typeof def.explain !== "function") checkExplainer(def, def.explain);
}

/** The teaching text names only params the node has (a text loaded later is checked once it arrives). */
export function checkExplainer(def: NodeDefinition, explain: NodeExplainer): void {
  for (const key of Object.keys(explain.params ?? {}))
    if (!Object.hasOwn(def.params, key)) fail(def, `explain.params names "${key}", which is not one of its params`);
}

function checkPorts(def: NodeDefinition): void {
  for (const [dir, ports] of [
    ["input", def.inputs],
    ["output", def.outputs],
  ] as const) {
    const ids = new Set<string>();
    for (const p of ports) {
      if (ids.has(p.id)) throw new Error(`Node type "${def.type}" has two ports "${p.id}"`);
      ids.add(p.id);
      if (!(PORT_KINDS as readonly string[]).includes(p.kind))
        fail(def, `${dir} "${p.id}" has kind "${p.kind}", not one of ${PORT_KINDS.join(", ")}`);
      if (dir === "output") checkOutput(def, p);
      else checkInput(def, p);
    }
  }
}

function checkOutput(def: NodeDefinition, p: PortSpec): void {
  for (const key of ["request", "sendsIndex", "listParam", "required", "multiple"] as const)
    if (p[key] !== undefined) fail(def, `output "${p.id}" declares ${key}, which only inputs have`);
  if (p.carries !== undefined && !Object.hasOwn(def.params, p.carries))
    fail(def, `output "${p.id}" carries "${p.carries}", which is not one of its params`);
}

function checkInput(def: NodeDefinition, p: PortSpec): void {
  if (p.carries !== undefined) fail(def, `input "${p.id}" declares carries, which only outputs have`);
  if (p.sendsIndex && p.request === undefined)
    fail(def, `input "${p.id}" sends an index but declares no request path to send it as`);
  if (p.listParam !== undefined) {
    if (!p.multiple) fail(def, `input "${p.id}" has a listParam but takes only one wire`);
    if (def.params[p.listParam]?.widget !== "toggle")
      fail(def, `input "${p.id}": listParam "${p.listParam}" is not an on/off param of this node`);
  }
}

function checkParams(def: NodeDefinition): void {
  for (const [key, spec] of Object.entries(def.params)) {
    checkDefault(def, key, spec);
    checkWeightedBy(def, key, spec);
    if (spec.ignoredWhen && !def.inputs.some((p) => p.id === spec.ignoredWhen!.input))
      fail(def, `param "${key}" is ignoredWhen input "${spec.ignoredWhen.input}", which it does not have`);
    if (spec.request === undefined) continue;
    const { field } = parsed(def, `param "${key}"`, spec.request);
    if (field !== key)
      fail(
        def,
        `param "${key}" is sent as "${spec.request}": a param carries its request field's name, so call it "${field}"`,
      );
  }
}

/** A weighted text names an on/off param of its own node. */
function checkWeightedBy(def: NodeDefinition, key: string, spec: ParamSpec): void {
  if (spec.weightedBy === undefined) return;
  if (spec.widget !== "textarea")
    fail(def, `param "${key}" is weightedBy "${spec.weightedBy}" but is not a multi-line text`);
  if (def.params[spec.weightedBy]?.widget !== "toggle")
    fail(def, `param "${key}": weightedBy "${spec.weightedBy}" is not an on/off param of this node`);
}

function checkViews(def: NodeDefinition): void {
  const { canvas, inspector } = def.views ?? {};
  if (canvas !== undefined && !(CANVAS_VIEW_KINDS as readonly string[]).includes(canvas))
    fail(def, `canvas view "${canvas}" is not one of ${CANVAS_VIEW_KINDS.join(", ")}`);
  if (inspector !== undefined && !(INSPECTOR_VIEW_KINDS as readonly string[]).includes(inspector))
    fail(def, `inspector view "${inspector}" is not one of ${INSPECTOR_VIEW_KINDS.join(", ")}`);
  for (const view of [canvas, inspector])
    if (view !== undefined && OUTPUT_VIEW_KINDS.has(view) && !def.isOutput)
      fail(def, `view "${view}" draws an output's denoising, and this node is not an output`);
}

/** The identity of a list item names params this node sends as fields of that item. */
function checkIdentity(def: NodeDefinition, paths: readonly RequestFeeder[]): void {
  if (def.itemIdentity === undefined) return;
  const list = paths.find((f) => f.list)?.list;
  if (!list) fail(def, "it declares itemIdentity but appends to no request list");
  for (const key of def.itemIdentity)
    if (!paths.some((f) => f.list && f.param === key))
      fail(def, `itemIdentity names "${key}", which is not a param it sends as a field of ${list}[]`);
}

/** A glance shows params of this node. */
function checkGlance(def: NodeDefinition): void {
  for (const key of def.glance ?? [])
    if (!Object.hasOwn(def.params, key)) fail(def, `glance names "${key}", which is not one of its params`);
}

function checkDefault(def: NodeDefinition, key: string, spec: ParamSpec): void {
  if (spec.default === undefined) return;
  const r = spec.schema.safeParse(spec.default);
  if (!r.success)
    fail(
      def,
      `param "${key}" has default ${JSON.stringify(spec.default)}, which it refuses: ${r.error.issues[0]?.message}`,
    );
}

/** One node is one list item, so a node type's list paths all name one list. */
function checkOneList(def: NodeDefinition, paths: readonly RequestFeeder[]): void {
  const lists = [...new Set(paths.filter((f) => f.list).map((f) => f.list))];
  if (lists.length > 1) fail(def, `its request paths name two lists (${lists.join(", ")}); one node appends one item`);
}

/** Checks one definition on its own; returns its declared request paths. */
export function checkDefinition(def: NodeDefinition): RequestFeeder[] {
  checkShape(def);
  checkPorts(def);
  checkParams(def);
  const paths = declaredPaths(def);
  checkOneList(def, paths);
  checkIdentity(def, paths);
  checkViews(def);
  checkGlance(def);
  return paths;
}

/**
 * Checks what definitions must agree on together, and indexes who sends which request path.
 * Each path has one sender, so the importer knows which node a request field becomes.
 */
export function indexRequestPaths(
  defs: readonly NodeDefinition[],
  paths: readonly RequestFeeder[],
): Map<string, RequestFeeder> {
  const byPath = new Map<string, RequestFeeder>();
  for (const f of paths) {
    const other = byPath.get(f.path);
    if (other)
      fail(f.def, `${where(f)} is sent as "${f.path}", which ${where(other)} of "${other.def.type}" already sends`);
    byPath.set(f.path, f);
  }
  const listOwner = new Map<RequestList, NodeDefinition>();
  for (const f of paths) {
    if (!f.list) continue;
    const owner = listOwner.get(f.list);
    if (owner && owner !== f.def)
      fail(
        f.def,
        `it appends to ${f.list}, which "${owner.type}" already does; one node type makes the items of a list`,
      );
    listOwner.set(f.list, f.def);
  }
  for (const f of paths) if (f.port) checkSourceExists(f, defs);
  return byPath;
}

function where(f: RequestFeeder): string {
  return f.param !== undefined ? `param "${f.param}"` : `input "${f.port!.id}"`;
}

/** A request value arriving on a port must be rebuildable: some type makes it from a param (or a list index). */
function checkSourceExists(f: RequestFeeder, defs: readonly NodeDefinition[]): void {
  const kind = f.port!.kind;
  const ok = f.port!.sendsIndex
    ? defs.some((d) => requestListOf(d) && d.outputs.some((o) => o.kind === kind))
    : defs.some((d) => d.outputs.some((o) => o.kind === kind && o.carries !== undefined));
  if (!ok)
    fail(
      f.def,
      f.port!.sendsIndex
        ? `input "${f.port!.id}" sends an index, but no node type that appends to a list has a ${kind} output`
        : `input "${f.port!.id}" is sent as "${f.path}", but no node type has a ${kind} output that carries a param`,
    );
}
