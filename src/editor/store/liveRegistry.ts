/**
 * The registry the editor's views and commands use: the catalogue, plus every component the open
 * document carries as a node type (docs/components.md#the-model). The document's definitions
 * change with edits (making one, editing inside one), so the view over them is rebuilt whenever
 * the `components` list is a different object, and reused otherwise.
 */
import {
  componentRegistry,
  parseInstanceType,
  registryWithGet,
  type ComponentDefinition,
  type NodeDefinition,
  type Registry,
} from "../../graph";
import type { IdFactory } from "./ids";
import { standInDefinition } from "./scope";

export function liveRegistry(base: Registry, components: () => readonly ComponentDefinition[] | undefined): Registry {
  let seen: readonly ComponentDefinition[] | undefined;
  let view: Registry = base;
  let standIns = new Map<string, NodeDefinition | undefined>();
  const current = (): Registry => {
    const defs = components();
    if (defs !== seen) {
      seen = defs;
      view = componentRegistry(base, defs as ComponentDefinition[] | undefined);
      standIns = new Map();
    }
    return view;
  };
  // Inside a component, its ports are drawn as two nodes (scope.ts); their types live here too.
  const standIn = (type: string) => {
    current();
    if (!standIns.has(type)) standIns.set(type, standInDefinition(type, seen));
    return standIns.get(type);
  };
  const get = (type: string) => base.get(type) ?? current().get(type) ?? standIn(type);
  return registryWithGet(base, get);
}

/** New instances are named after their component (`style-stack_x1y2`), not its whole type string. */
export function instanceIds(makeId: IdFactory): IdFactory {
  return (prefix) => {
    const ref = parseInstanceType(prefix);
    return makeId(ref ? ref.id.slice(ref.id.indexOf("/") + 1) : prefix);
  };
}
