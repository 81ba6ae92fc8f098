/**
 * The editor's IndexedDB database. Every record that holds user work stores it as a JSON *string*
 * (not a structured-cloned object): a corrupt or future-version record can then be offered back
 * to the user byte for byte, and a too-deep document fails in our JSON.stringify (caught) rather
 * than inside IndexedDB's structured clone.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export const DB_NAME = "lora-graph";
/**
 * 2: wildcard lists moved here from localStorage (src/editor/batch/lists.ts moves them on first read).
 * 3: published components, when there is no workspace (src/editor/library/componentLibrary.ts).
 */
export const DB_VERSION = 3;

/** One autosave of one tab's draft. Immutable once written; a slot points at its newest and last good. */
export interface SnapshotRecord {
  id: string;
  slot: string;
  savedAt: number;
  /** JSON text of a DraftPayload (see snapshot.ts). */
  data: string;
}

/** A tab's draft slot: the pointer that is switched after a new snapshot is safely written. */
export interface DraftRecord {
  slot: string;
  /** Newest snapshot. */
  current: string;
  /** The snapshot before it, kept so one bad write never leaves the slot without a good copy. */
  previous?: string;
  updatedAt: number;
  name: string;
  nodeCount: number;
  /** The library workflow this draft is editing, if any. */
  libraryId?: string;
  /** Set when the slot's data could not be read: it is kept untouched until the user chooses. */
  quarantined?: { reason: string; at: number };
}

/** A draft that was replaced (New/Open/Template/Library over it) or pruned: recoverable from the library. */
export interface RecentDraftRecord {
  id: string;
  savedAt: number;
  name: string;
  nodeCount: number;
  /** Why it was set aside, e.g. "Replaced by opening a file". */
  reason: string;
  /** JSON text of a DraftPayload. */
  data: string;
}

/** A named workflow in the library. */
export interface WorkflowRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  nodeCount: number;
  /** Serialized workflow file text (serializeWorkflow). */
  data: string;
}

/** A wildcard list kept in the library: plain text, one option a line (docs/batches.md#wildcards). */
export interface WildcardRecord {
  /** As `__name__` writes it. */
  name: string;
  text: string;
  updatedAt: number;
}

/** A component version published to this browser's library (no workspace): one component file. */
export interface ComponentRecord {
  /** `id@version`. */
  key: string;
  /** serializeComponentFile text, as the workspace would hold it. */
  data: string;
  publishedAt: number;
}

export interface LoraGraphDB extends DBSchema {
  snapshots: { key: string; value: SnapshotRecord; indexes: { slot: string } };
  drafts: { key: string; value: DraftRecord; indexes: { updatedAt: number } };
  recent: { key: string; value: RecentDraftRecord; indexes: { savedAt: number } };
  workflows: { key: string; value: WorkflowRecord; indexes: { updatedAt: number } };
  wildcards: { key: string; value: WildcardRecord };
  components: { key: string; value: ComponentRecord };
}

export type Database = IDBPDatabase<LoraGraphDB>;

const STORES = ["snapshots", "drafts", "recent", "workflows", "wildcards", "components"] as const;

/**
 * Opens (and creates or upgrades) the database. Tests pass a unique name per test.
 *
 * A database a newer version of the app already upgraded (this page was loaded before the new
 * version, or from a cache) is opened at its own version when it still holds every store this
 * version uses: versions only add stores, and each record carries its own format version. Refused
 * otherwise, with both versions named.
 */
export async function openDatabase(name: string = DB_NAME): Promise<Database> {
  try {
    return await openDB<LoraGraphDB>(name, DB_VERSION, { upgrade, blocking: closeForUpgrade });
  } catch (e) {
    if ((e as { name?: string } | null)?.name !== "VersionError") throw e;
  }
  const db = await openDB<LoraGraphDB>(name, undefined, { blocking: closeForUpgrade });
  const missing = STORES.filter((s) => !db.objectStoreNames.contains(s));
  if (missing.length) {
    db.close();
    throw new Error(
      `the stored data is version ${db.version}, written by a newer lora-graph than this page (version ${DB_VERSION}); reload the page to update`,
    );
  }
  return db;
}

function upgrade(db: IDBPDatabase<LoraGraphDB>, oldVersion: number) {
  if (oldVersion < 1) {
    db.createObjectStore("snapshots", { keyPath: "id" }).createIndex("slot", "slot");
    db.createObjectStore("drafts", { keyPath: "slot" }).createIndex("updatedAt", "updatedAt");
    db.createObjectStore("recent", { keyPath: "id" }).createIndex("savedAt", "savedAt");
    db.createObjectStore("workflows", { keyPath: "id" }).createIndex("updatedAt", "updatedAt");
  }
  if (oldVersion < 2) db.createObjectStore("wildcards", { keyPath: "name" });
  if (oldVersion < 3) db.createObjectStore("components", { keyPath: "key" });
}

/**
 * A newer version of the app opened the database in another tab: let it upgrade. Kept open, this
 * connection would hold its upgrade (and its autosave) back until this tab closed. The session
 * hears the same event and stops writing here (sessionContext.ts, AUTO-09).
 */
function closeForUpgrade(_current: number, _next: number | null, event: IDBVersionChangeEvent) {
  (event.target as IDBDatabase).close();
}

/** True for the browser's "storage is full" failure, however the engine reports it. */
export function isQuotaError(e: unknown): boolean {
  if (!e || typeof e !== "object") return false;
  const name = (e as { name?: unknown }).name;
  if (name === "QuotaExceededError" || name === "NS_ERROR_DOM_QUOTA_REACHED") return true;
  // Some engines abort the transaction and report the quota error as its cause.
  const inner = (e as { cause?: unknown }).cause ?? (e as { error?: unknown }).error;
  return inner !== e && inner !== undefined ? isQuotaError(inner) : false;
}

export function newId(prefix: string): string {
  const rnd =
    typeof crypto !== "undefined" && "randomUUID" in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${rnd}`;
}
