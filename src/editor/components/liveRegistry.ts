/**
 * The registry the editor's views and commands use: the catalogue, plus every component the open
 * document carries as a node type (docs/components.md#the-model). The document's definitions
 * change with edits (making one, editing inside one), so the view over them is rebuilt whenever
 * the `components` list is a different object, and reused otherwise.
 */
import { componentRegistry, type ComponentDefinition, type Registry } from "../../graph";

export function liveRegistry(base: Registry, components: () => readonly ComponentDefinition[] | undefined): Registry {
  let seen: readonly ComponentDefinition[] | undefined;
  let view: Registry = base;
  const current = (): Registry => {
    const defs = components();
    if (defs !== seen) {
      seen = defs;
      view = componentRegistry(base, defs as ComponentDefinition[] | undefined);
    }
    return view;
  };
  return {
    ...base,
    get: (type) => base.get(type) ?? current().get(type),
    getOrThrow: (type) => base.get(type) ?? current().getOrThrow(type),
  };
}
