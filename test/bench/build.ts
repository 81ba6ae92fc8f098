/**
 * Production builds for the browser sections, made once per bench run into a temporary directory
 * (never `dist/`, which the e2e tests of a parallel run may be serving): the editor with the
 * repo's vite.config.ts, and the fixtures (bare @xyflow/react page, dependencies only, the
 * litegraph peer), each into its own outDir.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

export interface Builds {
  app: string;
  xyflow: string;
  deps: string;
  litegraph: string;
  /** The modules of the editor's entry chunk, biggest first (gzip of each module's code alone). */
  appModules: ModuleSize[];
}

export interface ModuleSize {
  /** Path from the repo root; a package's files start with `node_modules/`. */
  id: string;
  raw: number;
  gzip: number;
}

/**
 * Records what the entry chunk is made of: each module's rendered (minified) code, gzipped alone.
 * Alone, a module compresses worse than inside the chunk, so these overstate; they rank, and the
 * chunk's own gzip is the figure the budget judges.
 */
function entryModules(into: ModuleSize[]): Plugin {
  return {
    name: "bench-entry-modules",
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk" || !chunk.isEntry) continue;
        for (const [id, m] of Object.entries(chunk.modules)) {
          const code = m.code ?? "";
          const name = id.includes("/node_modules/")
            ? id.slice(id.lastIndexOf("/node_modules/") + 1)
            : relative(".", id);
          into.push({ id: name, raw: code.length, gzip: code ? gzipSync(code, { level: 9 }).length : 0 });
        }
      }
      into.sort((a, b) => b.gzip - a.gzip);
    },
  };
}

let cached: Promise<Builds> | null = null;

export function builds(): Promise<Builds> {
  return (cached ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), "lora-graph-bench-"));
    const out = {
      app: join(root, "app"),
      xyflow: join(root, "xyflow"),
      deps: join(root, "deps"),
      litegraph: join(root, "litegraph"),
    };
    const t0 = Date.now();
    const appModules: ModuleSize[] = [];
    await build({
      configFile: resolve("vite.config.ts"),
      logLevel: "warn",
      build: { outDir: out.app, emptyOutDir: true },
      plugins: [entryModules(appModules)],
    });
    for (const name of ["xyflow", "deps", "litegraph"] as const) {
      await build({
        configFile: false,
        root: resolve("test/bench/fixtures", name),
        base: "./",
        plugins: [react()],
        logLevel: "warn",
        build: { outDir: out[name], emptyOutDir: true, sourcemap: false },
      });
    }
    console.log(`built the editor and the fixtures in ${((Date.now() - t0) / 1000).toFixed(1)} s (${root})`);
    return { ...out, appModules };
  })());
}

/** Script, modulepreload and stylesheet URLs that index.html loads before anything is on demand. */
export function initialAssets(dir: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]+)"`).exec(tag)?.[1];
  const js: string[] = [];
  const css: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    if (tag.startsWith("<script") && /type="module"/.test(tag)) js.push(attr(tag, "src")!);
    else if (/rel="modulepreload"/.test(tag)) js.push(attr(tag, "href")!);
    else if (/rel="stylesheet"/.test(tag)) css.push(attr(tag, "href")!);
  }
  const local = (u: string) => join(dir, u.replace(/^\.?\//, ""));
  return { js: js.filter(Boolean).map(local), css: css.filter(Boolean).map(local) };
}
