/**
 * The question asked when the library copy of the open pipeline changed since this tab read it
 * (another tab, or on disk: git, the CLI, an editor). Each answer keeps both sides: Reload sets
 * this tab's version aside under Recover drafts, Overwrite sets the other version aside there,
 * and Save as… writes this tab's version under a new name.
 */
import type { Ask } from "./session";
import type { WorkflowSummary } from "./library";

export type ConflictChoice = "reload" | "overwrite" | "save-as";

export interface Conflict {
  /** The library entry this tab has open. */
  lib: WorkflowSummary;
  /** The other version is gone (deleted or renamed). */
  gone: boolean;
  /** Asked on Save, or because a change on disk was seen while this tab has unsaved edits. */
  when: "saving" | "changed";
}

const place = (lib: WorkflowSummary) => (lib.where === "workspace" ? (lib.file ?? lib.name) : `“${lib.name}”`);

export function conflictText({ lib, gone, when }: Conflict): { title: string; message: string } {
  const onDisk = lib.where === "workspace";
  if (gone)
    return {
      title: onDisk ? `${place(lib)} is gone from the workspace` : "This workflow was deleted",
      message: onDisk
        ? `${place(lib)} was deleted or renamed on disk. Save yours again under that name, or under a new one.`
        : `${place(lib)} is no longer in the library (deleted in another tab?).`,
    };
  const by = onDisk ? "on disk (by git, the command line or another tab)" : "in another tab";
  const yours = when === "saving" ? "Your version is not saved yet." : "You have unsaved edits.";
  return {
    title: onDisk ? `${place(lib)} changed on disk` : "Changed in another tab",
    message:
      `${place(lib)} was changed ${by} after you opened it. ${yours} ` +
      "Reload opens the other version and Overwrite replaces it with yours; either way the version you leave is kept " +
      "under Library › Recover drafts. Save as… keeps both as separate files.",
  };
}

/** Asks; null when the user cancelled or chose to decide later. */
export async function askConflict(ask: Ask, c: Conflict): Promise<ConflictChoice | null> {
  const { title, message } = conflictText(c);
  const answer = await ask({
    title,
    message,
    actions: [
      { id: "cancel", label: c.when === "saving" ? "Cancel" : "Later" },
      ...(c.gone ? [] : [{ id: "reload", label: "Reload" }]),
      { id: "save-as", label: "Save as…", kind: c.gone ? "primary" : "default" },
      { id: "overwrite", label: c.gone ? "Save again" : "Overwrite", kind: c.gone ? "default" : "danger" },
    ],
  });
  return answer === "reload" || answer === "overwrite" || answer === "save-as" ? answer : null;
}
