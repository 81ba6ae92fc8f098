/** Subscriptions shared by the always-mounted files UI and its on-demand dialogs. */
import { useSyncExternalStore } from "react";
import { useSession } from "../persistence/boot";
import type { SessionState } from "../persistence/session";

export { useSession } from "../persistence/boot";
export { useFilesUi } from "./files";

const noop = () => () => {};

export function useSessionState(): SessionState | null {
  const session = useSession();
  return useSyncExternalStore(
    session ? session.subscribe : noop,
    () => session?.state() ?? null,
    () => session?.state() ?? null,
  );
}

// Formatters built once: toLocaleTimeString builds one per call, and the autosave chip's tooltip
// formats a time on every keystroke (0.7 ms each, a twentieth of the edit-latency budget).
const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dated = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

export const time = (t: number) => {
  const d = new Date(t);
  const today = new Date();
  const sameDay =
    d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return (sameDay ? clock : dated).format(d);
};
