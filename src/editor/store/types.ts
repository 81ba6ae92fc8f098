import type { Patch } from "immer";
import type {
  ComponentDefinition,
  ConnectResult,
  FileFacts,
  PortRef,
  Registry,
  SplicePlan,
  WorkflowDocument,
  WorkflowGroup,
  WorkflowNode,
  XY,
} from "../../graph";
import type { IdFactory } from "./ids";
import type { Scope } from "./scope";

export const HISTORY_LIMIT = 100;
/** Edits to the same node+field closer together than this are one undo step (a burst of typing). */
export const COALESCE_MS = 600;

export interface Selection {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}
export interface HistoryEntry {
  /** Unique per entry; the dirty flag compares against the entry that was on top when saved. */
  readonly id: number;
  readonly label: string;
  readonly patches: readonly Patch[];
  readonly inverse: readonly Patch[];
}
export interface EditorState {
  /** The whole pipeline: what is saved, compiled and run. */
  readonly document: WorkflowDocument;
  /** The component the canvas is inside (instances entered, outermost first); empty at the top. */
  readonly scope: Scope;
  /**
   * What the canvas shows and the commands edit: the document at the top, else the definition the
   * scope is in (src/editor/components/scope.ts). Selection ids are ids in the view.
   */
  readonly view: WorkflowDocument;
  readonly selection: Selection;
  /** The pipeline's own view, saved with it; moving the canvas inside a component leaves it alone. */
  readonly viewport: Viewport;
  readonly history: { readonly past: readonly HistoryEntry[]; readonly future: readonly HistoryEntry[] };
  /** The document differs from the last replaceDocument({markClean}) / markClean(). */
  readonly dirty: boolean;
  /** Bumps on every replaceDocument: a different document was opened (views refit, panels reset). */
  readonly epoch: number;
}
export type Listener = (state: EditorState, previous: EditorState) => void;

export interface EditorStoreOptions {
  makeId?: IdFactory;
  /** Clock used for coalescing typing into one undo step; injectable for tests. */
  now?: () => number;
  historyLimit?: number;
  /**
   * How far to move nodes being added (addNode, paste, duplicate) so they cover none already
   * there; the editor measures nodes, the store does not. Without it, nodes go where asked.
   */
  arrange?: (added: readonly WorkflowNode[], existing: readonly WorkflowNode[]) => XY;
}

/** An edit the store will not make, with the reason to show (addNode throws it). */
export class EditRefused extends Error {
  override name = "EditRefused";
}

/** A command that may be refused, with the reason to show. */
export type EditResult = { ok: true } | { ok: false; reason: string };

export type PasteResult = { ok: true; nodeIds: string[]; warnings: string[] } | { ok: false; error: string };

export interface AddNodeOptions {
  params?: Record<string, unknown>;
  label?: string;
  /** Wire the new node to this handle in the same undo step (drop-a-wire-on-canvas flow). */
  connectFrom?: { nodeId: string; handleId: string; handleType: "source" | "target" };
  /** Put the new node into this wire in the same undo step, when it fits (planSplice). */
  spliceInto?: string;
  /** Select the new node (default true). */
  select?: boolean;
  /** What was read from the files its params point to (a dropped LoRA's header), by param key. */
  fileInfo?: Record<string, FileFacts>;
  /**
   * Component definitions the new node needs (an instance from the library: its definition and
   * the ones it uses). Those the document lacks are copied into it in the same undo step.
   */
  components?: readonly ComponentDefinition[];
}

export interface EditorStore {
  getState(): EditorState;
  /** Fires after every state change (document, selection, viewport, history); returns an unsubscribe function. */
  subscribe(listener: Listener): () => void;
  readonly registry: Registry;

  // Document commands (enter history).
  addNode(type: string, position: XY, options?: AddNodeOptions): string;
  /**
   * Wires from → to. `replace`: an occupied single input gives up its wire. `reconnect`: this
   * existing wire is moved (judged as if it were gone, swapped in one undo step; refused = untouched).
   */
  connect(from: PortRef, to: PortRef, options?: { replace?: boolean; reconnect?: string }): ConnectResult;
  removeEdges(ids: readonly string[]): void;
  setParam(nodeId: string, key: string, value: unknown): void;
  /**
   * With `silent`, no undo step: the view correcting its own layout (see flow/settle.ts), not the
   * user; with `keepClean` too, a clean document stays clean.
   */
  moveNodes(moves: readonly { id: string; position: XY }[], opts?: { silent?: boolean; keepClean?: boolean }): void;
  /** Refused inside a component when a node to delete gives one of its outputs. */
  removeNodes(ids: readonly string[]): EditResult;
  removeSelection(): EditResult;
  duplicate(ids?: readonly string[]): string[];
  /**
   * Untrusted content (text or parsed JSON) as new nodes, once the paste reader has loaded
   * (docs/codebase.md#the-first-load); pastes asked for before it arrives are made in order.
   */
  paste(input: unknown, at?: XY): Promise<PasteResult>;
  toggleBypass(ids?: readonly string[]): void;
  rename(nodeId: string, label: string): void;
  /**
   * One undo step that replaces whole parts of the view (make component, detach): the view's
   * nodes and wires, the document's components. With `pipeline`, nodes and wires are the whole
   * document's even inside a component (removing a port removes its wires outside too).
   */
  applyChange(label: string, next: ViewChange, options?: { selection?: Selection; pipeline?: boolean }): void;
  /** Edits the document's meta (name, description, tags); undefined values remove a key. */
  setMeta(patch: Partial<WorkflowDocument["meta"]>): void;
  /** The name a save gave the pipeline: not an undo step, since undo is for the user's edits. */
  nameSaved(name: string): void;
  /** Puts an existing node into a wire, moving the dragged nodes in the same step (docs/canvas.md). */
  spliceNode(nodeId: string, wireId: string, moves?: readonly { id: string; position: XY }[]): SplicePlan;
  /** Collapses the nodes (default: the selection) to their title bars, or opens them if all are. */
  toggleCollapsed(ids?: readonly string[]): void;
  addReroute(wireId: string, index: number, at: XY): boolean;
  moveReroute(wireId: string, index: number, to: XY): void;
  removeReroute(wireId: string, index: number): void;
  addGroup(bounds: WorkflowGroup["bounds"], title?: string, color?: string): string;
  updateGroup(id: string, patch: Partial<Pick<WorkflowGroup, "title" | "color" | "bounds">>): void;
  removeGroup(id: string): void;
  /** Moves a group, the nodes and nested groups inside it (measured by the editor) as one step. */
  moveGroup(id: string, delta: XY, nodeIds: readonly string[], groupIds?: readonly string[]): void;
  undo(): boolean;
  redo(): boolean;
  /**
   * Closes the current typing step: the next edit of the same field starts a new undo step even
   * within COALESCE_MS. Called when a field loses focus or Enter commits it (docs/codebase.md#undo).
   */
  endEdit(): void;

  // Not history steps.
  setExpanded(nodeId: string, expanded: boolean): void;
  /**
   * Keeps what was read from the file a param points to on the node (see `fileFactsOf`); not an
   * undo step, and a clean document stays clean: it is a fact about the file, not an edit.
   */
  setFileInfo(nodeId: string, key: string, facts: FileFacts): void;
  setSelection(selection: Partial<Selection>): void;
  selectAll(): void;
  setViewport(viewport: Viewport): void;
  /** Enters or leaves components (clears the selection); a path that does not hold is cut short. */
  setScope(scope: Scope, selection?: Selection): void;
  /**
   * Replaces the whole document (open, new, template); clears history and selection. `first`: the
   * document the editor starts on, put in before anything is shown (a first visit's starter): the
   * epoch stays, as for the document the editor was made with.
   */
  replaceDocument(doc: WorkflowDocument, options?: { markClean?: boolean; first?: boolean }): void;
  markClean(): void;
  /** JSON text of the given nodes (default: the selection) and the wires between them. */
  copy(ids?: readonly string[]): string | null;
}

export type ViewChange = Partial<Pick<WorkflowDocument, "nodes" | "edges" | "components">>;

export const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };
