/**
 * Reading the workspace's published components (`components/*.json`): the newest version of
 * each id, each with the definitions it uses (docs/components.md#the-workspace).
 */
import { loadComponentFile, type ComponentDefinition } from "../../graph";
import type { WorkspaceApi } from "./workspaceApi";

export interface LibraryComponent {
  definition: ComponentDefinition;
  uses: ComponentDefinition[];
  file: string;
}

/** `1.10.0` after `1.9.3`; a pre-release or build suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]
      .split(".")
      .map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * Every readable component file, newest version of each id only. A file that cannot be read is
 * skipped and named in `skipped`: it never hides the others.
 */
export async function readLibraryComponents(
  api: WorkspaceApi,
): Promise<{ items: LibraryComponent[]; skipped: string[] }> {
  const { components } = await api.list();
  const newest = new Map<string, LibraryComponent>();
  const skipped: string[] = [];
  for (const f of components) {
    const got = await api.read("components", f.name).catch(() => null);
    const r = got ? loadComponentFile(got.text) : null;
    if (!r?.ok) {
      skipped.push(`components/${f.name}`);
      continue;
    }
    const item = { definition: r.file.definition, uses: r.file.uses, file: `components/${f.name}` };
    const had = newest.get(item.definition.id);
    if (!had || compareVersions(item.definition.version, had.definition.version) > 0)
      newest.set(item.definition.id, item);
  }
  return { items: [...newest.values()].sort((a, b) => a.definition.title.localeCompare(b.definition.title)), skipped };
}
