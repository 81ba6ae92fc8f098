/**
 * The editor's library over the workspace API, against the real server on a temp folder: saves
 * land as pipelines/*.json, a file changed on disk since it was read is a conflict (never
 * overwritten), names are made safe for the folder, and the browser's entries stay routed to
 * IndexedDB beside it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app";
import { createLibrary } from "../../src/editor/persistence/library";
import { createWorkspaceApi, detectWorkspace, parseChange } from "../../src/editor/library/workspaceApi";
import { combineLibraries, createWorkspaceLibrary, pipelineFileName } from "../../src/editor/library/workspaceLibrary";
import { emptyDocument, withHash, type WorkflowDocument } from "../../src/graph";
import { serializeComponentFile } from "../../src/graph/componentFile";
import { compareVersions } from "../../src/graph/semver";
import { readLibraryComponents } from "../../src/editor/library/libraryComponents";
import { freshDb } from "./persistence.kit";
import { quiet, workspacePerTest } from "./workspace.helpers";
import { stubRegistry } from "./stubRegistry";

let dir: string;
let base: string;
workspacePerTest("lora-graph-wslib-", (d, b) => ((dir = d), (base = b)));

function doc(name: string, notes = 1): WorkflowDocument {
  const d = emptyDocument({ name });
  for (let i = 0; i < notes; i++)
    d.nodes.push({ id: `n${i}`, type: "note", typeVersion: 1, position: { x: i, y: 0 }, params: { text: `t${i}` } });
  return d;
}
const onDisk = (name: string) => JSON.parse(readFileSync(join(dir, "pipelines", name), "utf8"));

describe("the workspace library", () => {
  it("is found only when the server has a workspace", async () => {
    expect(await detectWorkspace({ base })).not.toBeNull();
    const bare = createApp({ logger: quiet, distDir: join(dir, "no-dist") });
    const other = await bare.listen(0, "127.0.0.1");
    expect(await detectWorkspace({ base: other })).toBeNull();
    await bare.close();
  });

  it("saves to pipelines/, refuses a stale save, and overwrites only with the current ETag", async () => {
    const lib = createWorkspaceLibrary(createWorkspaceApi({ base }));
    const rec = await lib.saveAs("Château / night", doc("x", 2));
    expect(rec).toMatchObject({ where: "workspace", file: "pipelines/Chateau - night.json", name: "Chateau - night" });
    expect(onDisk("Chateau - night.json").nodes).toHaveLength(2);
    await expect(lib.saveAs("Château / night", doc("x"))).rejects.toThrow(
      /already has pipelines\/Chateau - night\.json/,
    );

    // Changed on disk (git, the CLI): a save based on the old ETag is a conflict and writes nothing.
    writeFileSync(
      join(dir, "pipelines", "Chateau - night.json"),
      JSON.stringify({ ...onDisk("Chateau - night.json"), meta: { name: "git" } }),
    );
    const stale = await lib.save(rec.id, doc("Chateau - night", 5), rec);
    expect(stale.ok).toBe(false);
    const conflict = !stale.ok ? stale.conflict : null;
    expect(conflict?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(onDisk("Chateau - night.json").meta.name).toBe("git");
    const over = await lib.save(rec.id, doc("Chateau - night", 5), conflict!);
    expect(over.ok).toBe(true);
    expect(onDisk("Chateau - night.json").nodes).toHaveLength(5);

    const opened = await lib.open(rec.id, stubRegistry);
    expect(opened?.result.ok && opened.result.document.nodes).toHaveLength(5);
    expect(opened?.record.etag).toBe(over.ok ? over.record.etag : "");
  });

  it("a file deleted on disk is a conflict with nothing on the other side", async () => {
    const lib = createWorkspaceLibrary(createWorkspaceApi({ base }));
    const rec = await lib.saveAs("Gone", doc("Gone"));
    rmSync(join(dir, "pipelines", "Gone.json"));
    expect(await lib.save(rec.id, doc("Gone"), rec)).toEqual({ ok: false, conflict: null });
    // Renamed meanwhile in the editor: still a conflict with nothing on the other side.
    expect(await lib.save(rec.id, doc("Elsewhere"), rec)).toEqual({ ok: false, conflict: null });
    // "Save again" writes it anew, refusing to replace a file that reappeared meanwhile.
    expect((await lib.save(rec.id, doc("Gone"), { ...rec, etag: undefined })).ok).toBe(true);
  });

  it("lists the workspace beside the browser's library, routing each entry to its store", async () => {
    const browser = createLibrary(await freshDb());
    const kept = await browser.saveAs("Only here", doc("b"));
    const lib = combineLibraries(browser, createWorkspaceLibrary(createWorkspaceApi({ base })));
    const disk = await lib.saveAs("On disk", doc("d"));
    const list = await lib.list();
    expect(list.map((s) => [s.name, s.where ?? "browser"])).toEqual([
      ["On disk", "workspace"],
      ["Only here", "browser"],
    ]);
    expect((await lib.save(kept.id, doc("b", 3), kept)).ok).toBe(true);
    expect((await browser.get(kept.id))?.nodeCount).toBe(3);
    const copy = await lib.duplicate(disk.id);
    expect(copy.file).toBe("pipelines/On disk copy.json");
    const removed = await lib.remove(disk.id);
    expect(removed?.data && JSON.parse(removed.data).meta.name).toBe("On disk");
    expect(existsSync(join(dir, "pipelines", "On disk.json"))).toBe(false);
    expect(await browser.get(kept.id)).toBeDefined();
  });

  it("renames a file with the pipeline inside it, and refuses a name that is taken", async () => {
    const lib = createWorkspaceLibrary(createWorkspaceApi({ base }));
    const rec = await lib.saveAs("Castle", doc("Castle", 2));
    await lib.saveAs("Keep", doc("Keep"));
    const renamed = await lib.rename(rec.id, "Château");
    expect(renamed).toMatchObject({ file: "pipelines/Chateau.json", name: "Chateau" });
    expect(onDisk("Chateau.json")).toMatchObject({ meta: { name: "Chateau" } });
    expect(onDisk("Chateau.json").nodes).toHaveLength(2);
    expect(existsSync(join(dir, "pipelines", "Castle.json"))).toBe(false);
    await expect(lib.rename(renamed.id, "keep")).rejects.toThrow(/pipelines\/Keep\.json already exists/);
    // A file whose inside says another name opens under its file's name.
    writeFileSync(
      join(dir, "pipelines", "Odd.json"),
      JSON.stringify({ ...onDisk("Keep.json"), meta: { name: "Inside" } }),
    );
    const opened = await lib.open("ws:Odd.json", stubRegistry);
    expect(opened?.result.ok && opened.result.document.meta.name).toBe("Odd");
  });

  it("a pipeline renamed in the editor moves its file when saved, and never over another file", async () => {
    const lib = createWorkspaceLibrary(createWorkspaceApi({ base }));
    const rec = await lib.saveAs("Castle", doc("Castle"));
    const saved = await lib.save(rec.id, doc("Night castle", 3), rec);
    expect(saved).toMatchObject({ ok: true, record: { file: "pipelines/Night castle.json", name: "Night castle" } });
    expect(existsSync(join(dir, "pipelines", "Castle.json"))).toBe(false);
    expect(onDisk("Night castle.json").nodes).toHaveLength(3);
    await lib.saveAs("Other", doc("Other"));
    const next = saved.ok ? saved.record : rec;
    await expect(lib.save(next.id, doc("Other", 4), next)).rejects.toThrow(/pipelines\/Other\.json already exists/);
    expect(onDisk("Other.json").nodes).toHaveLength(1);
    expect(onDisk("Night castle.json").nodes).toHaveLength(3);
  });

  it("file names keep to the folder's character set", () => {
    expect(pipelineFileName("  ..hidden ")).toBe("hidden.json");
    expect(pipelineFileName("a/b\\c:d")).toBe("a-b-c-d.json");
    expect(pipelineFileName("???")).toBe("pipeline.json");
    expect(pipelineFileName("nul")).toBe("nul pipeline.json");
    expect(pipelineFileName("Com1")).toBe("Com1 pipeline.json");
  });

  it("reads only well-formed change events", () => {
    expect(parseChange('{"kind":"pipelines","name":"a.json","etag":null}')).toEqual({
      kind: "pipelines",
      name: "a.json",
      etag: null,
    });
    expect(parseChange('{"kind":"../x","name":"a.json","etag":null}')).toBeNull();
    expect(parseChange("not json")).toBeNull();
  });

  it("lists each published component once, at its newest version, skipping unreadable files by name", async () => {
    const fixture = JSON.parse(readFileSync("test/fixtures/components/style-stack.json", "utf8"));
    const def = fixture.components[0];
    const api = createWorkspaceApi({ base });
    for (const version of ["1.2.0", "1.10.0", "1.9.3"]) {
      const file = serializeComponentFile({ definition: withHash({ ...def, version }), uses: [] });
      expect((await api.write("components", `local.style-stack.${version}.json`, file)).ok).toBe(true);
    }
    writeFileSync(join(dir, "components", "broken.x.1.0.0.json"), "{");
    const { items, skipped } = await readLibraryComponents(api);
    expect(items.map((i) => `${i.definition.id}@${i.definition.version}`)).toEqual(["local/style-stack@1.10.0"]);
    expect(skipped).toEqual(["components/broken.x.1.0.0.json"]);
    expect(compareVersions("1.10.0", "1.9.3")).toBeGreaterThan(0);
    expect(compareVersions("2.0.0-beta", "2.0.0")).toBe(0);
  });
});
