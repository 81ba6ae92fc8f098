/**
 * The component library (docs/components.md#versions): the workspace's `components/*.json` when
 * the editor is served by our server, else this browser's IndexedDB. Both keep one component
 * file per published version and list the newest version of each id, each with the definitions
 * it uses.
 */
import { componentKey, type ComponentDefinition } from "../../graph";
import { compareVersions } from "../../graph/semver";
import {
  componentFileName,
  loadComponentFile,
  serializeComponentFile,
  type ComponentFile,
} from "../../graph/componentFile";
import type { Database } from "../persistence/db";
import type { WorkspaceApi } from "./workspaceApi";

export interface LibraryComponent {
  definition: ComponentDefinition;
  uses: ComponentDefinition[];
  /** Where it is kept: `components/<file>` in the workspace, or `this browser`. */
  file: string;
}

export type PublishResult = { ok: true; file: string } | { ok: false; reason: string };

export interface ComponentLibrary {
  where: "workspace" | "browser";
  /** Every readable version, newest of each id only; what could not be read is named in `skipped`. */
  read(): Promise<LibraryListing>;
  /** Writes one version; refused when that version is already there (versions never change). */
  publish(file: ComponentFile): Promise<PublishResult>;
}

export interface LibraryListing {
  items: LibraryComponent[];
  skipped: string[];
  /** The hash of every readable version, by `id@version`: tells a copy changed since it was published. */
  hashes: Record<string, string>;
}

/** The newest version of each id among the readable files; the others named in `skipped`. */
function newestOf(files: readonly { name: string; text: string | null }[]): LibraryListing {
  const newest = new Map<string, LibraryComponent>();
  const skipped: string[] = [];
  const hashes: Record<string, string> = {};
  for (const f of files) {
    const r = f.text === null ? null : loadComponentFile(f.text);
    if (!r?.ok) {
      skipped.push(f.name);
      continue;
    }
    const item = { definition: r.file.definition, uses: r.file.uses, file: f.name };
    hashes[componentKey(item.definition.id, item.definition.version)] = item.definition.hash;
    const had = newest.get(item.definition.id);
    if (!had || compareVersions(item.definition.version, had.definition.version) > 0)
      newest.set(item.definition.id, item);
  }
  const items = [...newest.values()].sort((a, b) => a.definition.title.localeCompare(b.definition.title));
  return { items, skipped, hashes };
}

/**
 * Every readable component file, newest version of each id only. A file that cannot be read is
 * skipped and named in `skipped`: it never hides the others.
 */
export async function readLibraryComponents(api: WorkspaceApi): Promise<LibraryListing> {
  const { components } = await api.list();
  const files = [];
  for (const f of components) {
    const got = await api.read("components", f.name).catch(() => null);
    files.push({ name: `components/${f.name}`, text: got?.text ?? null });
  }
  return newestOf(files);
}

/** The workspace's `components/` folder. A new version is written with `If-None-Match: *`. */
export function workspaceComponents(api: WorkspaceApi): ComponentLibrary {
  return {
    where: "workspace",
    read: () => readLibraryComponents(api),
    async publish(file) {
      const name = componentFileName(file.definition);
      const r = await api.write("components", name, serializeComponentFile(file), { ifNoneMatch: "*" });
      if (!r.ok)
        return {
          ok: false,
          reason: `components/${name} was published meanwhile (another tab, the CLI or git); close this and publish again`,
        };
      return { ok: true, file: `components/${name}` };
    },
  };
}

export const BROWSER_LIBRARY = "this browser";

/** This browser's library (IndexedDB), for an editor served without our server. */
export function browserComponents(db: () => Promise<Database>, onPublish?: () => void): ComponentLibrary {
  return {
    where: "browser",
    async read() {
      const records = await (await db()).getAll("components");
      const { items, skipped, hashes } = newestOf(records.map((r) => ({ name: r.key, text: r.data })));
      // Listed as where they are kept; a damaged record is named by its key.
      for (const i of items) i.file = BROWSER_LIBRARY;
      return { items, skipped: skipped.map((k) => `${BROWSER_LIBRARY}: ${k}`), hashes };
    },
    async publish(file) {
      const key = componentKey(file.definition.id, file.definition.version);
      const tx = (await db()).transaction("components", "readwrite");
      if (await tx.store.get(key)) {
        void tx.done.catch(() => {});
        tx.abort();
        return { ok: false, reason: `this browser’s library has ${key} already; close this and publish again` };
      }
      await tx.store.put({ key, data: serializeComponentFile(file), publishedAt: Date.now() });
      await tx.done;
      onPublish?.();
      return { ok: true, file: BROWSER_LIBRARY };
    },
  };
}
