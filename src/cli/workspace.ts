/**
 * The workspace folder as the CLI sees it (docs/components.md#the-workspace): `components/*.json`
 * is the library that instances are resolved from after the file's own copies.
 */
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { componentKey, DEFAULT_LOAD_LIMITS, type ComponentDefinition } from "../graph";
import {
  componentFileName,
  loadComponentFile,
  serializeComponentFile,
  type ComponentFile,
} from "../graph/componentFile";
import type { CommandContext } from "./context";
import { InputError } from "./io";
import type { CliDiagnostic } from "./report";

/** `--workspace DIR`, else LORA_GRAPH_WORKSPACE, else `fallback` (undefined: no workspace). */
export function workspaceDir(ctx: CommandContext, fallback?: string): string | undefined {
  const given = ctx.values.workspace;
  if (typeof given === "string" && given) return given;
  return ctx.env.LORA_GRAPH_WORKSPACE || fallback;
}

export interface Library {
  /** Every definition of every readable file, each `id@version` once (the first file's, by name). */
  definitions: ComponentDefinition[];
  files: { name: string; file: ComponentFile }[];
  /** Files that could not be used, one warning each: a broken file never hides the others. */
  diagnostics: CliDiagnostic[];
}

/** Reads `DIR/components/*.json`. A missing folder is an empty library. */
export async function readLibrary(ctx: CommandContext, dir: string): Promise<Library> {
  const folder = join(dir, "components");
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith(".json")).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { definitions: [], files: [], diagnostics: [] };
    throw new InputError(`cannot read the workspace folder ${folder}: ${(err as Error).message}`);
  }
  const library: Library = { definitions: [], files: [], diagnostics: [] };
  const seen = new Set<string>();
  for (const name of names) {
    const path = join(folder, name);
    let r: ReturnType<typeof loadComponentFile>;
    try {
      r = loadComponentFile(await ctx.io.read(path, DEFAULT_LOAD_LIMITS.maxBytes));
    } catch (err) {
      library.diagnostics.push({
        severity: "warning",
        code: "read-error",
        message: `${path}: ${(err as Error).message}`,
      });
      continue;
    }
    if (!r.ok) {
      const message = `${path}: skipped: ${r.errors[0].message}`;
      library.diagnostics.push({ severity: "warning", code: r.errors[0].code, message, path: r.errors[0].path });
      continue;
    }
    library.files.push({ name, file: r.file });
    for (const d of [r.file.definition, ...r.file.uses]) {
      const key = componentKey(d.id, d.version);
      if (seen.has(key)) continue;
      seen.add(key);
      library.definitions.push(d);
    }
  }
  return library;
}

/**
 * Writes one component file atomically (a temporary file renamed over the target), so a reader
 * never sees half a file. Returns the path written.
 */
export async function writeComponentFile(dir: string, file: ComponentFile): Promise<string> {
  const folder = join(dir, "components");
  await mkdir(folder, { recursive: true });
  const path = join(folder, componentFileName(file.definition));
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeComponentFile(file), { flag: "wx" });
  await rename(tmp, path);
  return path;
}
