import { useCallback, useRef, type PointerEvent as ReactPointerEvent } from "react";
import {
  type Connection,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
  type OnConnectStartParams,
} from "@xyflow/react";
import { useFlowApi } from "./flowApi";
import { canConnectReplacing, type PortRef, type XY } from "../../graph";
import { useEditorStore, useUiApi } from "../store/react";
import type { Ui } from "../store/ui";
import type { GraphFlowNode } from "./derive";

/**
 * Drawing wires: the hint beside the pointer while a drop would be refused, connecting (replacing
 * the wire on an occupied single input), and the palette when a wire is dropped on empty canvas.
 */
export function useWiring() {
  const ui = useUiApi();
  const store = useEditorStore();
  const registry = store.registry;
  const flow = useFlowApi<GraphFlowNode>();
  const pointer = useRef<XY>({ x: 0, y: 0 });
  const { reconnecting, ...reconnect } = useReconnect();

  const isValidConnection: IsValidConnection = useCallback(
    (c) => {
      // Dropping on an occupied single input replaces its wire (store.connect with replace).
      const v = canConnectReplacing(store.getState().view, ...ends(c), registry).verdict;
      ui.set({ wireHint: v.ok ? null : { text: v.reason, x: pointer.current.x, y: pointer.current.y } });
      return v.ok;
    },
    [store, registry, ui],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const r = store.connect(...ends(c), { replace: true });
      if (!r.ok) ui.toast(r.reason, "error");
    },
    [store, ui],
  );

  const onConnectStart = useCallback((_: unknown, _p: OnConnectStartParams) => wiring(true), []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // xyflow also reports a reconnect here, just before onReconnectEnd, which handles it.
      if (reconnecting.current) return;
      wiring(false);
      const hint = takeWireHint(ui);
      const from = state.fromHandle;
      if (state.isValid || !from?.id || !from.nodeId) return;
      const pt = "changedTouches" in event ? event.changedTouches[0] : event;
      if (refusedOnPort(ui, state, hint)) return;
      const target = pt && (document.elementFromPoint(pt.clientX, pt.clientY) as Element | null);
      if (!target?.closest(".react-flow__pane")) return;
      const n = store.getState().view.nodes.find((x) => x.id === from.nodeId);
      const def = n && registry.get(n.type);
      const port = def && (from.type === "source" ? def.outputs : def.inputs).find((p) => p.id === from.id);
      if (!port) return;
      ui.set({
        palette: {
          screen: { x: pt.clientX, y: pt.clientY },
          flow: flow.screenToFlowPosition({ x: pt.clientX, y: pt.clientY }),
          connectFrom: { nodeId: from.nodeId, handleId: from.id, handleType: from.type, kind: port.kind },
        },
      });
    },
    [store, registry, flow, reconnecting, ui],
  );

  const onPointerMove = useCallback(
    (e: ReactPointerEvent) => {
      pointer.current = { x: e.clientX, y: e.clientY };
      const h = ui.get().wireHint;
      if (h) ui.set({ wireHint: { ...h, x: e.clientX, y: e.clientY } });
    },
    [ui],
  );

  return { isValidConnection, onConnect, onConnectStart, onConnectEnd, onPointerMove, ...reconnect };
}

/**
 * Dragging a wire's end: onto a port moves it (through store.connect, so refusals say why);
 * onto empty canvas removes it, as in ComfyUI.
 */
function useReconnect() {
  const ui = useUiApi();
  const store = useEditorStore();
  const reconnecting = useRef(false);
  const reconnected = useRef(false);
  const onReconnectStart = useCallback(() => {
    reconnecting.current = true;
    reconnected.current = false;
    wiring(true);
  }, []);
  const onReconnect = useCallback(
    (old: Edge, c: Connection) => {
      reconnected.current = true;
      const r = store.connect(...ends(c), { replace: true, reconnect: old.id });
      if (!r.ok) ui.toast(r.reason, "error");
    },
    [store, ui],
  );
  const onReconnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, edge: Edge, __: unknown, state: FinalConnectionState) => {
      reconnecting.current = false;
      wiring(false);
      const hint = takeWireHint(ui);
      if (reconnected.current || refusedOnPort(ui, state, hint)) return;
      store.removeEdges([edge.id]);
      ui.toast("Wire removed (Ctrl+Z brings it back)", "info", 2500);
    },
    [store, ui],
  );
  return { reconnecting, onReconnectStart, onReconnect, onReconnectEnd };
}

function ends(c: Connection | Edge): [from: PortRef, to: PortRef] {
  return [
    { node: c.source, port: c.sourceHandle ?? "" },
    { node: c.target, port: c.targetHandle ?? "" },
  ];
}

/** While a wire is dragged, the pointer sweeping over panels must not select their text. */
function wiring(on: boolean) {
  document.body.classList.toggle("wiring", on);
}

/** The refusal hint shown while dragging, cleared now that the wire is dropped. */
function takeWireHint(ui: Ui) {
  const hint = ui.get().wireHint;
  ui.set({ wireHint: null });
  return hint;
}

/** A wire dropped on a port that refused it: say why. */
function refusedOnPort(ui: Ui, state: FinalConnectionState, hint: { text: string } | null): boolean {
  if (!state.toHandle) return false;
  if (hint) ui.toast(hint.text, "error");
  return true;
}
