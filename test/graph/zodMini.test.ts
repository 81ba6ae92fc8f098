import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as core from "zod/v4/core";

const root = resolve(__dirname, "../..");

describe("src/graph/zodMini", () => {
  const config = core.config();
  const saved = config.localeError;
  afterEach(() => {
    config.localeError = saved;
    vi.resetModules();
  });

  // Classic zod (the compiler's) installs English when it builds its first schema; the editor's
  // first load has only mini, which installs nothing, so zodMini must.
  it("installs zod's English messages when no locale is set", async () => {
    delete config.localeError;
    vi.resetModules();
    const { z } = await import("../../src/graph/zodMini");
    const r = z.object({ name: z.string() }).safeParse({ name: 5 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toBe("Invalid input: expected string, received number");
  });

  it("keeps a locale someone already chose", async () => {
    const mine = () => "mine";
    config.localeError = mine;
    vi.resetModules();
    const { z } = await import("../../src/graph/zodMini");
    expect(config.localeError).toBe(mine);
    expect(z.string().safeParse(1).error!.issues[0].message).toBe("mine");
  });

  // The real catalogue, unlike the loader tests' own, builds no classic schema that would set English.
  it("gives the loader zod's wording on its own, with no classic zod loaded", async () => {
    delete config.localeError;
    vi.resetModules();
    const { loadWorkflow } = await import("../../src/graph");
    const { registry } = await import("../../nodes");
    const r = loadWorkflow(
      { format: "lora-graph/workflow", version: 2, meta: { name: 5 }, nodes: [], edges: [] },
      registry,
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0].message).toBe("meta.name: expected string, received number");
  });
});

/**
 * Static imports (not `import type`, not `import()`) of a module, as written. Good enough for this
 * repo's sources, which are formatted by one tool; a miss would only make the walk below smaller.
 */
function staticImports(source: string): string[] {
  const out: string[] = [];
  const stripped = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const m of stripped.matchAll(/^\s*(?:import|export)\s+(?!type\b)([^;]*?)\s*from\s*["']([^"']+)["']/gms)) {
    // `import { type A, type B } from` is erased too.
    const names = m[1]
      .replace(/^\{|\}$/g, "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (m[1].startsWith("{") && names.length > 0 && names.every((n) => n.startsWith("type "))) continue;
    out.push(m[2]);
  }
  for (const m of stripped.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push(m[1]);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (existsSync(candidate) && /\.(ts|tsx)$/.test(candidate)) return candidate;
  }
  return undefined;
}

describe("the editor's first load", () => {
  // Classic zod costs ~20 kB gzip more than zod/mini on the first load
  // (docs/codebase.md#the-first-load); the compiler, which keeps it, is loaded on demand.
  it("imports no classic zod, statically, from src/editor/main.tsx", () => {
    const seen = new Set<string>();
    const classic: string[] = [];
    const stack = [join(root, "src/editor/main.tsx")];
    while (stack.length) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of staticImports(readFileSync(file, "utf8"))) {
        if (spec.startsWith(".")) {
          const next = resolveLocal(file, spec);
          if (next) stack.push(next);
        } else if (spec === "zod" || spec === "zod/v4" || spec.startsWith("zod/v4/classic")) {
          classic.push(relative(root, file));
        }
      }
    }
    // The walk must reach the modules that build schemas, or it proves nothing.
    for (const f of ["src/graph/params.ts", "src/graph/workflowSchema.ts", "nodes/sampler/definition.ts"])
      expect(seen).toContain(join(root, f));
    expect(classic).toEqual([]);
  });
});
