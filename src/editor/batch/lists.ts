/**
 * Wildcard lists: plain text, one option a line, kept in this browser (localStorage) beside the
 * library, and read by every batch (docs/batches.md#wildcards).
 */
export const LISTS_STORAGE_KEY = "lora-graph-wildcards";

/** Names as `__name__` writes them: letters, digits, `_ - / .`, starting with a letter or digit. */
export const LIST_NAME = /^[A-Za-z0-9][\w\-/.]*$/;

export interface ListStore {
  load(): Record<string, string>;
  save(lists: Record<string, string>): void;
}

export function localListStore(storage: Storage = localStorage): ListStore {
  return {
    load() {
      try {
        const v: unknown = JSON.parse(storage.getItem(LISTS_STORAGE_KEY) ?? "{}");
        if (!v || typeof v !== "object" || Array.isArray(v)) return {};
        // Stored text is still untrusted: only string values under valid names come back.
        return Object.fromEntries(
          Object.entries(v).filter(([k, t]) => LIST_NAME.test(k) && typeof t === "string") as [string, string][],
        );
      } catch {
        return {};
      }
    },
    save(lists) {
      try {
        storage.setItem(LISTS_STORAGE_KEY, JSON.stringify(lists));
      } catch {
        // Storage full or blocked: the lists stay in the window until it closes.
      }
    },
  };
}
