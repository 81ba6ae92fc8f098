// A tab's boot: choose its draft slot, bring back what it held (or set an unreadable draft
// aside), then start autosaving. Part of the session (session.ts).
import { newId } from "./db";
import { readBackup } from "./backup";
import { decodeDraft, draftName, encodeDraft, type DecodeResult, type DraftPayload } from "./snapshot";
import { chooseSlot, slotLock, TAB_KEY, type Release, type SlotChoice } from "./tabs";
import type { SlotRead } from "./drafts";
import { setLibrary, summaryAsDrafted, sharedText, watchStore, type SessionContext } from "./sessionContext";
import type { CorruptDraft, SessionState } from "./session";

type Restored = SessionState["restored"];
type Decoded = Extract<DecodeResult, { ok: true }>;
/**
 * A draft shown as the slot's current snapshot holds it: the snapshot's text, its time, the
 * document read from it, and the document the editor was given (which also carries the view).
 */
type Stored = { data: string; savedAt: number; read: DraftPayload["document"]; given: DraftPayload["document"] };

/** The newer of two readable drafts (the page's synchronous copy wins only when newer). */
export const newer = (stored: Decoded | null, copy: Decoded | null): Decoded | null =>
  copy && (!stored || copy.savedAt > stored.savedAt) ? copy : stored;

/**
 * The copy the slot's last page kept as it was left (backup.ts). Once this boot's first write is
 * on disk the copy is no longer needed; until then it stays.
 */
export function slotBackup(ctx: SessionContext, slot: string): Decoded | null {
  const copy = readBackup(ctx.backup, slot, ctx.registry);
  if (copy) ctx.backupPending = { slot };
  return copy;
}

export async function restoreInto(ctx: SessionContext, p: DraftPayload): Promise<void> {
  // The view rides on the document too: the canvas shows a newly opened document at its own viewport.
  ctx.store.replaceDocument({ ...p.document, viewport: p.viewport }, { markClean: !p.dirty });
  ctx.store.setViewport(p.viewport);
  ctx.store.setSelection(p.selection);
}

/** Brings back the chosen slot's draft; an unreadable one is quarantined. */
async function restoreSlot(
  ctx: SessionContext,
  choice: SlotChoice,
  early?: Promise<SlotRead | undefined>,
): Promise<{ choice: SlotChoice; restored: Restored; corrupt: CorruptDraft | null; shown?: Stored }> {
  // A slot with no record yet can still have its copy: the tab was left before its first write landed.
  const read = choice.how === "new" ? undefined : await (early ?? ctx.drafts.read(choice.slot));
  const cur = read?.current;
  const stored = cur ? decodeDraft(cur.data, ctx.registry) : null;
  // Only an unreadable draft needs it: its code loads then (docs/codebase.md#the-first-load).
  if (read && !stored?.ok) return (await import("./quarantine")).quarantine(ctx, choice, read, stored);
  const decoded = newer(stored?.ok ? stored : null, slotBackup(ctx, choice.slot));
  if (!decoded) return { choice, restored: null, corrupt: null };
  await restoreInto(ctx, decoded.draft);
  const given = ctx.store.getState().document;
  const restored = {
    name: draftName(decoded.draft.document),
    savedAt: decoded.savedAt,
    how: choice.how === "new" ? ("own" as const) : choice.how,
    fromPrevious: false,
  };
  if (decoded.draft.libraryId) {
    // A workspace that cannot be reached now leaves the draft unlinked rather than failing the boot.
    const rec = await ctx.library.get(decoded.draft.libraryId).catch(() => undefined);
    if (rec) await setLibrary(ctx, summaryAsDrafted(rec, decoded.draft));
  }
  // Shown as the slot's current snapshot holds it (not the page's newer copy).
  const shown =
    decoded === stored && cur
      ? { data: cur.data, savedAt: decoded.savedAt, read: decoded.draft.document, given }
      : undefined;
  return { choice, restored, corrupt: null, shown };
}

/**
 * The slot's current snapshot already holds exactly what the editor shows, and no copy of the page
 * waits to be covered by a write (backup.ts): the write a boot makes would store the same draft
 * again, so it is not made. A draft migrated as it loaded, or relinked to its library, differs. The
 * view the editor's document carries is not compared: restoreInto sets it from the draft's own view
 * on every restore, so whatever the snapshot's document holds there is never read.
 */
function alreadyOnDisk(ctx: SessionContext, shown: Stored | undefined): shown is Stored {
  if (!shown || ctx.backupPending) return false;
  const now = ctx.payload();
  return now.document === shown.given && encodeDraft({ ...now, document: shown.read }, shown.savedAt) === shown.data;
}

/**
 * Chooses the slot, restores its draft, starts autosave. `restored` is called as soon as the draft
 * is in the editor and every edit from then on is autosaved: the editor can show it while the
 * slot's first write and the pruning of old slots finish.
 */
export async function startSession(ctx: SessionContext, restored?: () => void): Promise<void> {
  // A reload's slot is known at once (sessionStorage): its lock and its draft are asked for beside
  // the slot list, as each is a round trip to the browser (docs/benchmarks.md#the-first-load). A
  // read of a slot this tab then does not get is dropped unused.
  const own = ctx.storage.getItem(TAB_KEY);
  const ownHold = own ? ctx.locks.tryHold(slotLock(own)) : undefined;
  const ownRead = own ? ctx.drafts.read(own) : undefined;
  ownRead?.catch(() => undefined);
  const first = await ctx.drafts.listSlots().then(
    (slots) => {
      const candidates = slots.filter((s) => !s.quarantined).map((s) => s.slot);
      return chooseSlot({ storage: ctx.storage, locks: ctx.locks, candidates, ownHold, makeId: () => newId("slot") });
    },
    (e: unknown) => {
      void ownHold?.then((release: Release | null) => release?.());
      throw e;
    },
  );
  const back = await restoreSlot(ctx, first, first.slot === own ? ownRead : undefined);
  if (!back.restored) await ctx.firstVisit();
  ctx.holds.slot = back.choice.release;
  ctx.set({ slot: back.choice.slot, restored: back.restored, corrupt: back.corrupt });

  const unsubscribeChannel = ctx.channel?.onMessage((msg) => {
    const library = ctx.get().library;
    if (msg.tab !== ctx.tabId && library && msg.workflowId === library.id)
      ctx.set({ sharedWarning: sharedText(library.name) });
  });
  const unsubscribeStore = watchStore(ctx);
  ctx.holds.listening = () => {
    unsubscribeStore();
    unsubscribeChannel?.();
  };
  // `ready` comes with the first write's outcome, saved or failed (sessionContext.ts), or at once
  // when that write is not needed.
  if (alreadyOnDisk(ctx, back.shown)) {
    // A reload of a draft nothing changed: the slot and its snapshot are on disk, and writing them
    // again would only push the last good snapshot out and make one more commit before the first
    // frame (docs/persistence.md#losing-work). The chip shows when it was saved, from the first render.
    ctx.firstWrite = true;
    ctx.autosaver.onDisk(back.shown.savedAt);
    ctx.firstWrite = false;
    restored?.();
  } else {
    // The slot exists from the first moment, so a tab closed before any edit is still found; a
    // draft brought back from the page's copy, migrated or relinked is on disk as shown.
    ctx.autosaver.changed();
    restored?.();
    ctx.firstWrite = true;
    await ctx.autosaver.flush();
    ctx.firstWrite = false;
  }
  const held = await ctx.locks.heldNames().catch(() => new Set<string>());
  await ctx.drafts.pruneSlots((slot) => slot === ctx.get().slot || held.has(slotLock(slot))).catch(() => undefined);
}
