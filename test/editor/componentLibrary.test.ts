/**
 * The component library's two homes (docs/components.md#versions): the workspace's components/
 * through the server's API, and this browser's IndexedDB without one. Both list the newest
 * version of each id and never replace a version once published (CMPT-06).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorkspaceApi } from "../../src/editor/library/workspaceApi";
import {
  browserComponents,
  workspaceComponents,
  type ComponentLibrary,
} from "../../src/editor/library/libraryComponents";
import { withHash, type ComponentDefinition } from "../../src/graph";
import { freshDb } from "./persistence.kit";
import { workspacePerTest } from "./workspace.helpers";

const fixture = JSON.parse(readFileSync("test/fixtures/components/style-stack.json", "utf8"));
const v = (version: string, scale = 0.8): ComponentDefinition =>
  withHash({
    ...fixture.components[0],
    version,
    params: fixture.components[0].params.map((p: { id: string }) => ({ ...p, default: scale })),
  });

let dir: string;
let base: string;
workspacePerTest("lora-graph-complib-", (d, b) => ((dir = d), (base = b)));

/** The same checks for both homes. */
async function behaves(lib: ComponentLibrary, where: RegExp) {
  expect(await lib.read()).toEqual({ items: [], skipped: [], hashes: {} });
  const first = await lib.publish({ definition: v("1.0.0"), uses: [] });
  expect(first).toMatchObject({ ok: true, file: expect.stringMatching(where) });
  expect((await lib.publish({ definition: v("1.1.0", 0.3), uses: [] })).ok).toBe(true);
  const { items } = await lib.read();
  expect(items.map((i) => i.definition.version)).toEqual(["1.1.0"]);
  expect(items[0].definition.params[0].default).toBe(0.3);
  // Every version's hash is known, so a copy edited since it was published can be told apart.
  expect((await lib.read()).hashes).toEqual({
    "local/style-stack@1.0.0": v("1.0.0").hash,
    "local/style-stack@1.1.0": v("1.1.0", 0.3).hash,
  });

  // A version once published is never replaced, whoever published it first.
  const again = await lib.publish({ definition: v("1.1.0", 0.9), uses: [] });
  expect(again.ok).toBe(false);
  if (!again.ok) expect(again.reason).toMatch(/1\.1\.0/);
  expect((await lib.read()).items[0].definition.params[0].default).toBe(0.3);
}

describe("the component library", () => {
  it("CMPT-06: in the workspace, newest version listed; a version published meanwhile is refused, not replaced", async () => {
    await behaves(workspaceComponents(createWorkspaceApi({ base })), /^components\/local\.style-stack\.1\.0\.0\.json$/);
    expect(readdirSync(join(dir, "components")).sort()).toEqual([
      "local.style-stack.1.0.0.json",
      "local.style-stack.1.1.0.json",
    ]);
  });

  it("CMPT-06: in this browser, the same; another tab hears of each publish", async () => {
    const db = await freshDb();
    let heard = 0;
    await behaves(
      browserComponents(
        async () => db,
        () => heard++,
      ),
      /^this browser$/,
    );
    expect(heard).toBe(2);
  });

  it("skips a damaged browser record, naming it, and lists the rest", async () => {
    const db = await freshDb();
    const lib = browserComponents(async () => db);
    await lib.publish({ definition: v("1.0.0"), uses: [] });
    await db.put("components", { key: "x/y@1.0.0", data: "{ not json", publishedAt: 0 });
    const { items, skipped } = await lib.read();
    expect(items.map((i) => i.definition.id)).toEqual(["local/style-stack"]);
    expect(skipped).toEqual(["this browser: x/y@1.0.0"]);
  });
});
