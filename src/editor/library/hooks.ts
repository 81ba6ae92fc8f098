/** Subscriptions shared by the always-mounted files UI and its on-demand dialogs. */
import { useSyncExternalStore } from "react";
import { getSession, onSessionChange } from "../persistence/boot";
import type { Session, SessionState } from "../persistence/session";
import { filesUi, type FilesUiState } from "./files";

const noop = () => () => {};

export function useSession(): Session | null {
  return useSyncExternalStore(onSessionChange, getSession, getSession);
}

export function useSessionState(): SessionState | null {
  const session = useSession();
  return useSyncExternalStore(session ? session.subscribe : noop, () => session?.state() ?? null, () => session?.state() ?? null);
}

export function useFilesUi<T>(sel: (s: FilesUiState) => T): T {
  return useSyncExternalStore(filesUi.subscribe, () => sel(filesUi.get()), () => sel(filesUi.get()));
}

export const time = (t: number) => {
  const d = new Date(t);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
};
