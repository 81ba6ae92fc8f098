import { createUiStore, type UiStore } from "./uiStore";

/**
 * Ephemeral UI state that is neither document nor selection: which panel is open, the field to
 * focus, toasts. Kept apart from the editor store so autosave listeners never see it.
 */
export interface Toast {
  id: number;
  kind: "info" | "error" | "success";
  text: string;
  /** A toast about one thing (“restored”): a newer one with the same key replaces it. */
  key?: string;
  /** One button, e.g. Undo; the toast goes when it is pressed. */
  action?: ToastAction;
}
export interface ToastAction {
  label: string;
  run(): void;
}
export interface ToastOptions {
  key?: string;
  action?: ToastAction;
}
export type SideTab = "inspector" | "request" | "problems";
export interface PaletteRequest {
  /** Screen position the palette opens at. */
  screen: { x: number; y: number };
  /** Flow position the new node goes to. */
  flow: { x: number; y: number };
  /** Wire being dropped: the palette filters to compatible nodes and connects the choice. */
  connectFrom?: { nodeId: string; handleId: string; handleType: "source" | "target"; kind: string };
  /** A wire to put the chosen node into: the palette lists the nodes that take its kind. */
  spliceInto?: { wireId: string; kind: string };
}
export interface UiState {
  tab: SideTab;
  palette: PaletteRequest | null;
  help: boolean;
  importOpen: boolean;
  /** A field to reveal in the inspector (from a problem or a request-JSON click). */
  focus: { nodeId: string; field?: string; nonce: number } | null;
  /** Request path hovered/clicked in the request view. */
  requestPath: string | null;
  /** Which Sampler's request the Request tab shows, when there are several. */
  output: string | null;
  toasts: Toast[];
  /** Refusal reason shown next to the cursor while a wire is dragged. */
  wireHint: { text: string; x: number; y: number } | null;
}

export interface Ui extends UiStore<UiState> {
  toast(text: string, kind?: Toast["kind"], ms?: number, options?: ToastOptions): void;
  /** Removes the toast with this id, or the one with this key. */
  dismissToast(idOrKey: number | string): void;
  /** Reveals a node (and field): the canvas centres it, node body and inspector flash the field. */
  focus(nodeId: string, field?: string, options?: { keepTab?: boolean }): void;
}

/** One editor's UI store (see createEditor). */
/** Says why a command was refused (a delete inside a component), or nothing when it was done. */
export function sayRefusal(ui: Pick<Ui, "toast">, r: { ok: true } | { ok: false; reason: string }): void {
  if (!r.ok) ui.toast(r.reason, "error", 9000);
}

export function createUi(): Ui {
  const base = createUiStore<UiState>({
    tab: "inspector",
    palette: null,
    help: false,
    importOpen: false,
    focus: null,
    requestPath: null,
    output: null,
    toasts: [],
    wireHint: null,
  });
  let toastId = 0;
  let nonce = 0;
  const dismissToast = (which: number | string) => {
    const hit = (x: Toast) => (typeof which === "number" ? x.id === which : x.key === which);
    if (base.get().toasts.some(hit)) base.set({ toasts: base.get().toasts.filter((x) => !hit(x)) });
  };
  return Object.assign(base, {
    /**
     * Shows a short message. The same text (or key) again replaces the one showing, so nothing
     * piles up, and at most three show at once, the newest last. Errors stay longer by default.
     */
    toast(text: string, kind: Toast["kind"] = "info", ms?: number, options: ToastOptions = {}) {
      const t: Toast = {
        id: ++toastId,
        kind,
        text,
        ...(options.key ? { key: options.key } : {}),
        ...(options.action ? { action: options.action } : {}),
      };
      const others = base.get().toasts.filter((x) => x.text !== text && (!t.key || x.key !== t.key));
      base.set({ toasts: [...others.slice(-2), t] });
      setTimeout(() => dismissToast(t.id), ms ?? (kind === "error" ? 6000 : 3500));
    },
    dismissToast,
    focus(nodeId: string, field?: string, options: { keepTab?: boolean } = {}) {
      base.set({ focus: { nodeId, field, nonce: ++nonce }, ...(options.keepTab ? {} : { tab: "inspector" as const }) });
    },
  });
}
