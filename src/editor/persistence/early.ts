/**
 * The first module the entry evaluates (main.tsx imports it before anything else): asks for the
 * database and touches the tab's storage before React, React Flow, the schemas and the rest of the
 * editor's modules evaluate, so that the open overlaps their evaluation instead of following it
 * (docs/codebase.md#the-first-load). `startPersistence` takes the connection over.
 */
import { openDatabase, type Database } from "./db";

export const earlyDatabase: Promise<Database> = openDatabase();
// Handled where it is awaited (startPersistence turns autosave off, with its banner).
earlyDatabase.catch(() => undefined);

// The first touch of localStorage and sessionStorage waits for the browser to hand over the
// origin's data (a synchronous round trip): made while the database opens.
try {
  void globalThis.localStorage?.length;
  void globalThis.sessionStorage?.length;
} catch {
  // Blocked storage: backup.ts and tabs.ts say so when they are used.
}
