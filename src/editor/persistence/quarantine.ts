// A boot that finds its slot's draft unreadable: part of the session's start (sessionStart.ts),
// loaded only then, since no other boot runs it (docs/codebase.md#the-first-load).
import { newId } from "./db";
import { decodeDraft, draftName, type CorruptReason } from "./snapshot";
import { chooseSlot, type SlotChoice } from "./tabs";
import type { SessionContext } from "./sessionContext";
import type { CorruptDraft, SessionState } from "./session";
import { newer, restoreInto, slotBackup } from "./sessionStart";

type Restored = SessionState["restored"];

/**
 * Sets an unreadable slot aside untouched and moves to a fresh one; the last good copy, if any,
 * is restored there.
 */
export async function quarantine(
  ctx: SessionContext,
  choice: SlotChoice,
  read: NonNullable<Awaited<ReturnType<SessionContext["drafts"]["read"]>>>,
  decoded: ReturnType<typeof decodeDraft> | null,
): Promise<{ choice: SlotChoice; restored: Restored; corrupt: CorruptDraft }> {
  const reason: CorruptReason = decoded && !decoded.ok ? decoded.reason : "bad-json";
  const message = decoded && !decoded.ok ? decoded.message : "The autosave record is missing its data";
  const decodedPrev = read.previous ? decodeDraft(read.previous.data, ctx.registry) : null;
  const prev = newer(decodedPrev?.ok ? decodedPrev : null, slotBackup(ctx, choice.slot));
  const corrupt = { slot: choice.slot, reason, message, raw: read.current?.data ?? "", restoredPrevious: !!prev };
  await ctx.drafts.quarantine(choice.slot, message);
  choice.release();
  const fresh = await chooseSlot({
    storage: { getItem: () => null, setItem: (k, v) => ctx.storage.setItem(k, v) },
    locks: ctx.locks,
    candidates: [],
    makeId: () => newId("slot"),
  });
  let restored: Restored = null;
  if (prev) {
    await restoreInto(ctx, prev.draft);
    restored = { name: draftName(prev.draft.document), savedAt: prev.savedAt, how: "own", fromPrevious: true };
  }
  return { choice: fresh, restored, corrupt };
}
