// What `npm start` loads at run time must install with `npm install --omit=dev` (a production
// install): every package reachable from the server entry is a dependency, not a devDependency.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { packagesReachedFrom } from "../architecture/imports.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe("packaging", () => {
  it("every package npm start imports at run time is a dependency", () => {
    expect(pkg.scripts.start).toContain("src/server/main.ts");
    const reached = packagesReachedFrom("src/server/main.ts");
    // The walk really follows the server: the stand-in's image encoders are on it.
    expect([...reached.keys()]).toEqual(expect.arrayContaining(["pngjs", "jpeg-js", "zod"]));
    const notDeps = [...reached]
      .filter(([name]) => !name.startsWith("node:") && !(name in pkg.dependencies))
      .map(([n, f]) => `${n} (${f})`);
    expect(notDeps).toEqual([]);
    // npm start runs the server through tsx.
    expect(pkg.dependencies).toHaveProperty("tsx");
  });

  it("npm start's build imports only dependencies, so a production install can build", () => {
    expect(pkg.scripts.start).toMatch(/^vite build && /);
    const reached = packagesReachedFrom("vite.config.ts");
    // The walk really follows the config: the build's own tool and plugin are on it.
    expect([...reached.keys()]).toEqual(expect.arrayContaining(["vite", "@vitejs/plugin-react"]));
    const notDeps = [...reached]
      .filter(([name]) => !name.startsWith("node:") && !(name in pkg.dependencies))
      .map(([n, f]) => `${n} (${f})`);
    expect(notDeps).toEqual([]);
  });

  it("npm start's build bundles only dependencies: the page's entry and all it imports", () => {
    // The build starts from the scripts index.html names; a production install must have their packages.
    const html = readFileSync(resolve(ROOT, "index.html"), "utf8");
    const entries = [...html.matchAll(/<script[^>]*\bsrc="\/([^"]+)"/g)].map((m) => m[1]);
    expect(entries).toEqual(["src/editor/main.tsx"]);
    const reached = packagesReachedFrom(entries[0]);
    // The walk really follows the editor: its canvas, its store and its runner are on it.
    expect([...reached.keys()]).toEqual(
      expect.arrayContaining(["react-dom", "@xyflow/react", "immer", "@fal-ai/client"]),
    );
    const notDeps = [...reached]
      .filter(([name]) => !name.startsWith("node:") && !(name in pkg.dependencies))
      .map(([n, f]) => `${n} (${f})`);
    expect(notDeps).toEqual([]);
  });

  it("@xyflow/system is pinned exactly (the minimap uses its internals directly)", () => {
    expect(pkg.dependencies["@xyflow/system"]).toMatch(/^\d+\.\d+\.\d+$/);
    // At the version @xyflow/react asks for: else the page would carry two copies, and the
    // minimap's would not be the one the canvas draws with.
    const react = JSON.parse(readFileSync(resolve(ROOT, "node_modules/@xyflow/react/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies["@xyflow/system"]).toBe(react.dependencies["@xyflow/system"]);
  });
});
