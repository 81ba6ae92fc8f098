/**
 * The open lesson outlives a reload of its tab: which lesson, whether its card is folded, and
 * where the card sits are kept in sessionStorage (per tab, like the tab's draft slot) and given
 * back once the tab's own draft is restored. Opening another pipeline forgets them.
 */
import { useEffect } from "react";
import type { Editor } from "../store";
import { useSession } from "../persistence/boot";
import type { Session } from "../persistence/session";
import { teachUiOf, type TeachUiState } from "./state";

const KEY = "lora-graph.lesson";

type Open = NonNullable<TeachUiState["lesson"]>;
type Kept = Omit<Open, "epoch">;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null; // Refused in some privacy modes: the lesson is then not kept.
  }
}

function read(): Kept | null {
  try {
    const v = JSON.parse(storage()?.getItem(KEY) ?? "null") as Kept | null;
    return v && typeof v.id === "string" ? v : null;
  } catch {
    return null;
  }
}

/** Brings the lesson back after the session restored this tab's draft, then keeps it in step. */
export function followLessonMemory(editor: Editor, session: Session): () => void {
  const teach = teachUiOf(editor);
  let last = storage()?.getItem(KEY) ?? null;
  const write = () => {
    const open = teach.get().lesson;
    const kept = open && open.epoch === editor.store.getState().epoch ? { ...open, epoch: undefined } : null;
    const text = kept ? JSON.stringify(kept) : null;
    if (text === last) return;
    last = text;
    if (text) storage()?.setItem(KEY, text);
    else storage()?.removeItem(KEY);
  };
  const offs: (() => void)[] = [];
  const begin = () => {
    const kept = read();
    // Only over the draft this tab had: a new tab or a lost draft starts without the lesson.
    if (kept && session.state().restored?.how === "own" && !teach.get().lesson)
      teach.set({ lesson: { ...kept, epoch: editor.store.getState().epoch } });
    offs.push(
      teach.subscribe(write),
      editor.store.subscribe((n, p) => n.epoch !== p.epoch && write()),
    );
  };
  if (session.state().ready) begin();
  else {
    const off = session.subscribe(() => {
      if (!session.state().ready) return;
      off();
      begin();
    });
    offs.push(off);
  }
  return () => offs.forEach((f) => f());
}

export function useLessonMemory(editor: Editor): void {
  const session = useSession();
  useEffect(() => (session ? followLessonMemory(editor, session) : undefined), [editor, session]);
}
