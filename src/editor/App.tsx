import { Suspense, useCallback, useEffect, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import { EditorProvider, useUi } from "./store/react";
import type { Editor } from "./store";
import { Canvas } from "./flow/Canvas";
import { canvasViewOf } from "./flow/view";
import { FlowApiProvider, useFlowApi } from "./flow/flowApi";
import { fitGraph } from "./flow/fit";
import { Toolbar } from "./panels/Toolbar";
import { Sidebar } from "./panels/Sidebar";
import { SidePanel } from "./panels/SidePanel";
import { installShortcuts } from "./shortcuts";
import { isInstance, leaveOne, openInstance, startMakeComponent } from "./components/ui";
import { FilesUi } from "./library/FilesUi";
import { files } from "./library/files";
import { addNodeOrSay, nodeTypeFor } from "./library/components";
import { RunBanner, useRunKey } from "./run/RunShell";
import { RunDrawer } from "./run/RunDrawer";
import { lazyPart, onDemand, useAfterPaint, whenIdle } from "./lazy";
import { createToastSlots, ToastSlotsContext } from "./kit/toastSlot";
import { withExplainers } from "./panels/explainers";
import { ImportReportPanel } from "./import/ImportReportPanel";
import { useArrange } from "./flow/useArrange";
import { canvasItemAction, groupSelection } from "./flow/Groups";
import { menuActions, startRename } from "./flow/contextMenu";

// Not needed for the first paint (docs/codebase.md#the-first-load): each loads when first
// opened. The palette opens on a double-click or Space and must feel instant, so it is fetched as
// soon as the page is idle.
const Palette = lazyPart(() => withExplainers(import("./panels/Palette")).then((m) => ({ default: m.Palette })));
const HelpOverlay = lazyPart(() => import("./panels/HelpOverlay").then((m) => ({ default: m.HelpOverlay })));
const ImportDialog = lazyPart(() => import("./panels/ImportDialog").then((m) => ({ default: m.ImportDialog })));
whenIdle(() => Palette.preload(), { urgent: true });
// Mounted once the shell has been painted: their code and effects (the run history's database,
// a saved batch's resume) are not needed for it (docs/codebase.md#the-first-load).
const mounts = onDemand(() => import("./Mounts"));

const isField = (el: EventTarget) =>
  el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;

function Shell({ editor }: { editor: Editor }) {
  const { store, ui } = editor;
  const flow = useFlowApi();
  const importOpen = useUi((s) => s.importOpen);
  const paletteOpen = useUi((s) => s.palette !== null);
  const helpOpen = useUi((s) => s.help);

  const canvasCenter = useCallback(() => {
    const r = document.querySelector(".canvas")?.getBoundingClientRect();
    const screen = r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: innerWidth / 2, y: innerHeight / 2 };
    return { screen, flow: flow.screenToFlowPosition(screen) };
  }, [flow]);

  const layout = useArrange();
  const Mounts = useAfterPaint(mounts)?.default;
  useRunKey(editor);

  useEffect(
    () =>
      installShortcuts(editor, {
        openPalette: () => {
          const atCenter = () => {
            const c = canvasCenter();
            ui.set({ palette: { screen: { x: c.screen.x - 160, y: c.screen.y - 120 }, flow: c.flow } });
          };
          const { nodes, edges } = editor.store.getState().selection;
          // One wire selected: a node into it, if it is drawn (menuActions.ts).
          if (nodes.length || edges.length !== 1) return atCenter();
          void menuActions.load().then((m) => m.insertIntoSelectedWire(editor, flow) || atCenter(), atCenter);
        },
        save: () => files.save(editor),
        saveAs: () => void files.saveAs(editor),
        download: () => files.download(editor),
        open: () => files.pickFile(editor),
        layout,
        fitView: () => fitGraph(canvasViewOf(editor), flow, { duration: 200 }),
        toFlow: (p) => flow.screenToFlowPosition(p),
        openMenu: () => void menuActions.load().then((m) => m.openMenuForSelection(editor, flow)),
        rename: (id) => startRename(editor, id),
        explain: (id) => void menuActions.load().then((m) => m.explainNode(editor, id)),
        makeComponent: () => startMakeComponent(editor),
        enter: (id) => isInstance(editor, id) && openInstance(editor, id),
        leave: () => leaveOne(editor),
        group: () => groupSelection(editor),
        canvasItem: (action) => canvasItemAction(editor, action),
        pasteImage: (file, place) =>
          void import("./files/drop").then(
            (m) => m.dropOnCanvas(editor, { file }, { place }),
            (err: unknown) => ui.toast(`The pasted image could not be used: ${(err as Error).message}`, "error"),
          ),
      }),
    [editor, ui, canvasCenter, layout, flow],
  );

  const addAtCenter = useCallback(
    (type: string) => {
      // No cursor on the canvas: the middle of the view, moved to the nearest free space (store.arrange).
      const { flow: p } = canvasCenter();
      addNodeOrSay(
        editor,
        type,
        { x: Math.round(p.x - 130), y: Math.round(p.y - 60) },
        nodeTypeFor(editor, type)?.options,
      );
    },
    [editor, canvasCenter],
  );

  return (
    // Leaving a field, or Enter in a one-line field, ends its typing step (docs/codebase.md#undo).
    <div
      className="app"
      onBlur={(e) => isField(e.target) && store.endEdit()}
      onKeyDown={(e) => e.key === "Enter" && e.target instanceof HTMLInputElement && store.endEdit()}
    >
      <Toolbar onLayout={layout} />
      <RunBanner />
      <div className="main">
        <Sidebar onAdd={addAtCenter} />
        <Canvas />
        <SidePanel />
        <ImportReportPanel />
      </div>
      <RunDrawer />
      <Suspense fallback={null}>
        {paletteOpen && <Palette />}
        {helpOpen && <HelpOverlay />}
        {importOpen && <ImportDialog />}
      </Suspense>
      <FilesUi />
      {Mounts && <Mounts />}
    </div>
  );
}

export function App({ editor }: { editor: Editor }) {
  const [toastSlots] = useState(createToastSlots);
  return (
    <EditorProvider editor={editor}>
      <ReactFlowProvider>
        <FlowApiProvider>
          <ToastSlotsContext.Provider value={toastSlots}>
            <Shell editor={editor} />
          </ToastSlotsContext.Provider>
        </FlowApiProvider>
      </ReactFlowProvider>
    </EditorProvider>
  );
}
