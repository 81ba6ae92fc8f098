/**
 * Where a sweep's shared seed has to be written so that it reaches every Sampler, including one
 * inside a component. An inner Sampler's seed is decided, from strongest to weakest, by the
 * instance's override of an exposed param that leads to it, that param's default, and the inner
 * node's own value (docs/components.md#exposed-params); each level may sit in a nested component.
 */
import {
  flattenDocument,
  indexComponents,
  instanceRef,
  withHash,
  type ComponentDefinition,
  type Registry,
  type WorkflowDocument,
  type WorkflowNode,
} from "../graph";

export interface SeedReach {
  /** The node's param `param` is (or leads, through components, to) a Sampler's seed. */
  isSeed(node: WorkflowNode, param: string): boolean;
  /** The seed of each Sampler, inside components too (once per instance); undefined when it has none. */
  seeds(): (number | undefined)[];
  /**
   * The document's components with `seed` written in. `all`: every Sampler gets it, and every
   * default and override that would win over it is set too; otherwise only inner Samplers with no
   * seed of their own get it. Undefined when no definition changes.
   */
  components(seed: number, all: boolean): ComponentDefinition[] | undefined;
  /** The overrides of the document's own instances that lead to a seed, set to `seed`. */
  overrides(node: WorkflowNode, seed: number): Record<string, unknown> | undefined;
}

export function seedReach(doc: WorkflowDocument, registry: Registry): SeedReach {
  const index = indexComponents(doc.components);
  const isSampler = (n: WorkflowNode) => !instanceRef(n) && registry.get(n.type)?.isOutput === true;
  const memo = new Map<string, Set<string>>();
  /** The exposed param ids of a definition that lead to a Sampler's seed. */
  const seedParams = (key: string): Set<string> => {
    const known = memo.get(key);
    if (known) return known;
    const out = new Set<string>();
    memo.set(key, out); // set before the walk, so a definition that holds itself ends it
    const def = index.get(key);
    if (!def) return out;
    const byId = new Map(def.nodes.map((n) => [n.id, n] as const));
    for (const p of def.params) {
      const node = byId.get(p.node);
      if (node && leadsToSeed(node, p.field)) out.add(p.id);
    }
    return out;
  };
  const leadsToSeed = (node: WorkflowNode, param: string): boolean => {
    if (isSampler(node)) return param === "seed";
    const ref = instanceRef(node);
    return ref !== undefined && seedParams(ref.key).has(param);
  };
  let flat: WorkflowNode[] | undefined;
  const flatSamplers = () => {
    if (flat) return flat;
    const opened = flattenDocument(doc);
    return (flat = opened.document.nodes.filter((n) => opened.origins.has(n.id) && isSampler(n)));
  };

  return {
    isSeed: leadsToSeed,
    seeds: () =>
      [...doc.nodes.filter(isSampler), ...flatSamplers()].map((n) =>
        typeof n.params?.seed === "number" ? n.params.seed : undefined,
      ),
    components(seed, all) {
      let changed = false;
      const defs = (doc.components ?? []).map((def) => {
        const key = `${def.id}@${def.version}`;
        const nodes = def.nodes.map((n) => {
          const patch = all ? this.overrides(n, seed) : undefined;
          const seedless = isSampler(n) && (all || typeof n.params?.seed !== "number");
          if (!patch && !seedless) return n;
          return { ...n, params: { ...n.params, ...patch, ...(seedless ? { seed } : {}) } };
        });
        const keys = seedParams(key);
        const params =
          all && keys.size ? def.params.map((p) => (keys.has(p.id) ? { ...p, default: seed } : p)) : def.params;
        if (nodes.every((n, i) => n === def.nodes[i]) && params === def.params) return def;
        changed = true;
        // A cell may be saved with its run; a stale hash would be reported when it is opened.
        return withHash({ ...def, nodes, params });
      });
      return changed ? defs : undefined;
    },
    overrides(node, seed) {
      const ref = instanceRef(node);
      const keys = ref ? seedParams(ref.key) : undefined;
      if (!keys?.size) return undefined;
      return Object.fromEntries([...keys].map((k) => [k, seed]));
    },
  };
}
