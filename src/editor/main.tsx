// First: the database opens while the rest of the entry evaluates (persistence/early.ts).
import { earlyDatabase } from "./persistence/early";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/base.css";
import "./styles.css";
import { emptyDocument, loadWorkflow } from "../graph";
import { registry } from "../../nodes";
import { createEditor } from "./store";
import { provideImportDoor } from "./store/importDoor";
import { App } from "./App";
import { startPersistence } from "./persistence/boot";
import { arrangeAdded } from "./flow/place";
import { canvasViewOf } from "./flow/view";
import { loadNodeViews } from "./flow/drawnSlots";
import { askServerInfo, offerServerInfo } from "./library/workspaceInfo";
import { tellRestored } from "./library/restoredNotice";
import { afterFirstPaint, onDemand, whenIdle } from "./lazy";
import { firstRenderWaits } from "./firstRender";

/**
 * A tab with no draft (a first visit) opens on the starter template, run through the loader like
 * any file (migrations, checks); fetched and built only then, so a reload spends nothing on it and
 * the first load's script does not carry it.
 */
async function starter() {
  const { starterDocument } = await import("./starter");
  const r = loadWorkflow(structuredClone(starterDocument), registry);
  return r.ok ? r.document : emptyDocument({ name: "Untitled pipeline" });
}

// Every node added goes clear of the others (docs/codebase.md#placing-new-nodes).
const editor = createEditor({
  registry,
  document: emptyDocument({ name: "Untitled pipeline" }),
  arrange: (added, existing) => {
    const view = canvasViewOf(editor);
    view.placed.add(added.map((n) => n.id));
    return arrangeAdded(view, added, existing, (t) => registry.get(t));
  },
});

// Paste and drops reach the import door through the editor; its code loads on first use.
provideImportDoor(
  editor,
  (source) => import("./import/door").then((m) => m.importAndTell(editor, source)),
  () => import("./import/door"),
);
// A file's way in, ready before the first drop or Open…: the loader worker started first (its
// start is on its own thread, and was a sixth of opening a 1,000-node file), then the drop's and
// the door's code (docs/benchmarks.md#first-render-of-a-file-opened-fitted-2026-12-07).
whenIdle(() => import("./load/loadOffThread").then((m) => m.warmLoader()), { urgent: true });
whenIdle(() =>
  Promise.all([
    import("./files/drop"),
    import("./import/door"),
    import("./persistence/sessionOpen"),
    import("./store/clipboard"),
  ]),
);

// Served by our server, the library lists and saves the workspace folder too (asked once, briefly;
// the run runtime's stand-in banner takes the same answer). Following it (or, without it, this
// browser's component library) is not in the first load's script: its code is fetched once there
// is a workspace to restore from, else after the first render.
const served = offerServerInfo(editor, askServerInfo()).then((i) => i?.workspace === true);
const following = onDemand(() => import("./library/workspaceStart"));
const workspace = served
  .then(async (yes) => (yes ? (await following.load()).createWorkspaceApi() : null))
  .catch(() => null);

// The node views are not in the first load's script either: fetched beside the database open, and
// waited for only by a draft with nodes (or group frames), so that every node is drawn with its body
// from the start.
const nodeViews = loadNodeViews().catch(() => undefined);

// Restore this tab's draft (if any) before the first render, so the canvas opens on it (with its
// "restored" toast); the render also waits for what firstRender.ts says.
void firstRenderWaits(editor, {
  restoring: startPersistence(editor, {
    database: earlyDatabase,
    made: (session) => tellRestored(editor, session),
    fresh: starter,
    library: (db) =>
      workspace.then(async (api) => (api ? (await following.load()).workspaceLibrary(db, api) : undefined)),
  }),
  nodeViews,
}).finally(() => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App editor={editor} />
    </StrictMode>,
  );
  // Behind the first paint, which shows nothing of it (the component library, the folder's watch).
  afterFirstPaint(
    () =>
      void Promise.all([following.load(), workspace]).then(
        ([m, api]) => (api ? m.attachWorkspace(editor, api) : m.attachBrowserComponents(editor)),
        () => undefined,
      ),
  );
});
