/**
 * Import request: pasted fal request JSON becomes the current workflow. (Open, Save and the
 * library live in library/files.ts.)
 */
import { loadCompiler } from "./engine";
import type { Diagnostic } from "../graph";
import type { EditorStore } from "./store";
import { replaceGuarded } from "./library/files";

/** Request JSON (as sent to fal) → a workflow. */
export async function importRequestText(
  store: EditorStore,
  text: string,
): Promise<{ ok: true; notes: Diagnostic[] } | { ok: false; error: string }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not JSON: ${(e as Error).message}` };
  }
  try {
    const { importRequest } = await loadCompiler();
    const r = await importRequest(json, store.registry);
    // Validate before asking to replace anything: input that yields no pipeline is refused here,
    // and the work on the canvas stays as it was.
    if (!r.document.nodes.some((n) => !store.registry.get(n.type)?.inert)) {
      const why = r.diagnostics.find((d) => d.severity === "error")?.message ?? "it holds no request fields";
      return { ok: false, error: `Nothing was imported: ${why}. Your pipeline is unchanged.` };
    }
    // In-app question over unsaved work; the replaced pipeline stays under Library › Recover drafts.
    if (!(await replaceGuarded(store, r.document, "Replaced by importing a request", "Import this request?", false)))
      return { ok: false, error: "Cancelled" };
    return { ok: true, notes: r.diagnostics };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
