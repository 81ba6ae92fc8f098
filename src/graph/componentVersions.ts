/**
 * Versions of a component in the library (docs/components.md#versions): what changed in a
 * definition's interface between two versions, which semantic-version bump that calls for, and
 * moving a pipeline's instances to another version while keeping their overrides.
 */
import { canonicalJson } from "./canonical";
import { componentKey, instanceRef, usedComponents, withHash } from "./components";
import { instanceType, type ComponentDefinition, type WorkflowDocument, type WorkflowNode } from "./document";
import { versionParts } from "./semver";

export type VersionBump = "patch" | "minor" | "major";

/** `1.2.3` bumped: patch `1.2.4`, minor `1.3.0`, major `2.0.0` (a suffix is dropped). */
export function bumpVersion(version: string, bump: VersionBump): string {
  const [major, minor, patch] = versionParts(version);
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** The bump that leads from `from` to a later `to`: major when the first number differs, and so on. */
export function bumpBetween(from: string, to: string): VersionBump {
  const [a, b] = [versionParts(from), versionParts(to)];
  return a[0] !== b[0] ? "major" : a[1] !== b[1] ? "minor" : "patch";
}

/** What `bump` means to someone choosing it. */
export const BUMP_MEANING: Record<VersionBump, string> = {
  patch: "a fix: the same ports and fields",
  minor: "something added: existing pipelines keep working",
  major: "something removed or retyped: pipelines may need rewiring",
};

/** One change of a component's interface, in plain words, with the bump it calls for at least. */
export interface InterfaceChange {
  text: string;
  bump: VersionBump;
}

interface Named {
  id: string;
  label: string;
  kind?: string;
}

function portChanges(what: string, from: readonly Named[], to: readonly Named[], out: InterfaceChange[]) {
  const after = new Map(to.map((p) => [p.id, p]));
  const before = new Map(from.map((p) => [p.id, p]));
  for (const p of from) {
    const now = after.get(p.id);
    if (!now) out.push({ text: `${what} “${p.label}” removed`, bump: "major" });
    else if (now.kind !== p.kind)
      out.push({ text: `${what} “${now.label}” now takes ${now.kind} instead of ${p.kind}`, bump: "major" });
    else if (now.label !== p.label) out.push({ text: `${what} “${p.label}” renamed “${now.label}”`, bump: "patch" });
  }
  for (const p of to) if (!before.has(p.id)) out.push({ text: `${what} “${p.label}” added`, bump: "minor" });
}

/**
 * What changed in the definition from `from` to `to`: ports and exposed params added, removed,
 * retyped or renamed (params matched by their stable id, ports by theirs), exposed defaults, and
 * inner nodes added, removed or changed.
 */
export function definitionChanges(from: ComponentDefinition, to: ComponentDefinition): InterfaceChange[] {
  const out: InterfaceChange[] = [];
  portChanges("Input", from.inputs, to.inputs, out);
  for (const p of to.inputs) {
    const was = from.inputs.find((q) => q.id === p.id);
    if (was && was.kind === p.kind && p.required && !was.required)
      out.push({ text: `Input “${p.label}” must now be wired`, bump: "major" });
  }
  portChanges("Output", from.outputs, to.outputs, out);
  portChanges("Field", from.params, to.params, out);
  for (const p of to.params) {
    const was = from.params.find((q) => q.id === p.id);
    if (was && canonicalJson(was.default) !== canonicalJson(p.default))
      out.push({ text: `Field “${p.label}” default ${shown(was.default)} → ${shown(p.default)}`, bump: "patch" });
  }
  if (from.title !== to.title) out.push({ text: `Title “${from.title}” → “${to.title}”`, bump: "patch" });
  innerChanges(from, to, out);
  return out;
}

const shown = (v: unknown) => {
  if (v === undefined) return "unset";
  const s = typeof v === "string" ? `“${v}”` : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
};

function innerChanges(from: ComponentDefinition, to: ComponentDefinition, out: InterfaceChange[]) {
  const name = (n: WorkflowNode) => n.label || n.id;
  const before = new Map(from.nodes.map((n) => [n.id, n]));
  const after = new Set(to.nodes.map((n) => n.id));
  const words = (what: string, list: string[]) =>
    list.length && out.push({ text: `${what}: ${list.join(", ")}`, bump: "patch" });
  // Where a node sits inside changes nothing that is sent.
  const content = ({ position: _p, ...rest }: WorkflowNode) => canonicalJson(rest);
  words("Inner nodes added", to.nodes.filter((n) => !before.has(n.id)).map(name));
  words("Inner nodes removed", from.nodes.filter((n) => !after.has(n.id)).map(name));
  words(
    "Inner nodes changed",
    to.nodes.filter((n) => before.has(n.id) && content(before.get(n.id)!) !== content(n)).map(name),
  );
  if (canonicalJson(from.edges) !== canonicalJson(to.edges)) out.push({ text: "Inner wires changed", bump: "patch" });
}

/** Whether two definitions have the same content, version and hash aside. */
export function sameContent(a: ComponentDefinition, b: ComponentDefinition): boolean {
  const strip = ({ version: _v, hash: _h, ...rest }: ComponentDefinition) => canonicalJson(rest);
  return strip(a) === strip(b);
}

/**
 * The bump to suggest when `to` replaces `from`: major when a port or an exposed field was
 * removed or retyped (pipelines using it may break), minor when one was added, patch otherwise.
 */
export function suggestBump(from: ComponentDefinition, to: ComponentDefinition): VersionBump {
  const bumps = new Set(definitionChanges(from, to).map((c) => c.bump));
  return bumps.has("major") ? "major" : bumps.has("minor") ? "minor" : "patch";
}

/** An override an update had to drop: its exposed param is not in the new version. */
export interface DroppedOverride {
  /** As in `UpdateResult.updated`. */
  instance: string;
  param: string;
  value: unknown;
}

export interface UpdateResult {
  document: WorkflowDocument;
  /** Instances moved to the new version: ids, or `definition key › id` for ones inside another component. */
  updated: string[];
  dropped: DroppedOverride[];
}

/**
 * Moves instances of `fromKey` (`id@version`) to `target`, a newer (or older) version of the same
 * component, with the definitions it uses. `only`: the instances named as `updated` names them
 * (a pipeline node's id, or `definition key › id` for one inside a definition); without it every
 * instance of `fromKey`, those inside other definitions too. Definitions whose instances move get
 * their hashes computed again. Overrides are kept by param id; those of params `target` lacks are dropped
 * and reported. The old definition goes when nothing uses it any more. Updating to the version
 * an instance already has changes nothing.
 */
export function updateInstances(
  doc: WorkflowDocument,
  fromKey: string,
  target: ComponentDefinition,
  uses: readonly ComponentDefinition[] = [],
  only?: readonly string[],
): UpdateResult {
  const toKey = componentKey(target.id, target.version);
  const updated: string[] = [];
  const dropped: DroppedOverride[] = [];
  if (toKey === fromKey) return { document: doc, updated, dropped };
  const kept = new Set(target.params.map((p) => p.id));
  const pick = only && new Set(only);
  // `inside`: the definition an inner instance sits in, named in what is reported.
  const move = (n: WorkflowNode, inside?: string): WorkflowNode => {
    const where = inside ? `${inside} › ${n.id}` : n.id;
    if (instanceRef(n)?.key !== fromKey || (pick && !pick.has(where))) return n;
    updated.push(where);
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n.params)) {
      if (kept.has(k)) params[k] = v;
      else dropped.push({ instance: where, param: k, value: v });
    }
    return { ...n, type: instanceType(target.id, target.version), params };
  };
  const nodes = doc.nodes.map((n) => move(n));
  const have = new Set((doc.components ?? []).map((c) => componentKey(c.id, c.version)));
  const added = [target, ...uses].filter((d) => {
    const key = componentKey(d.id, d.version);
    return have.has(key) ? false : (have.add(key), true);
  });
  let components = [...(doc.components ?? []), ...added];
  components = components.map((c) => {
    const key = componentKey(c.id, c.version);
    if (key === fromKey) return c;
    const inner = c.nodes.map((n) => move(n, key));
    return inner.some((n, i) => n !== c.nodes[i]) ? withHash({ ...c, nodes: inner }) : c;
  });
  const { components: _old, ...rest } = doc;
  const used = usedComponents(nodes, components);
  return { document: used ? { ...rest, nodes, components: used } : { ...rest, nodes }, updated, dropped };
}

/**
 * The document with definition `key` given another version number (publishing it as that
 * version): the definition, and every instance of it, in the pipeline and inside other definitions.
 */
export function renumberComponent(doc: WorkflowDocument, key: string, version: string): WorkflowDocument {
  const def = doc.components?.find((c) => componentKey(c.id, c.version) === key);
  if (!def || def.version === version) return doc;
  const target = withHash({ ...def, version });
  const components = doc.components!.map((c) => (c === def ? target : c));
  return updateInstances({ ...doc, components }, key, target).document;
}
