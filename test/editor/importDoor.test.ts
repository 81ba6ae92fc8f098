// The import door (import/door.ts) with a dropped file whose bytes are not all UTF-8: the import
// report names the file and where the bad byte is (unsaved work is guarded as for any import:
// replaceGuarded in library/fileActions.ts).
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { importInto } from "../../src/editor/import/door";
import { generatePipeline } from "../bench/compile";

describe("a dropped file that is not UTF-8", () => {
  it("is imported with a warning that names the file and the byte", async () => {
    const editor = createEditor({ registry, makeId: counterIds(), document: generatePipeline(6) });
    const before = editor.store.getState().document;
    // A fal request saved as Windows-1252: "café" with 0xE9 alone.
    const [a, b] = ['{"model_name": "a/b", "prompt": "a caf', '"}'].map((t) => new TextEncoder().encode(t));
    const file = new File([new Uint8Array([...a, 0xe9, ...b])], "Bestellung.json");
    const r = await importInto(editor, { file });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report?.from).toBe("Bestellung.json");
    expect(r.report?.notes).toContainEqual({
      severity: "warning",
      message: expect.stringMatching(
        /^The text at \$\.prompt has a byte that is not UTF-8 \(0xE9 at line 1, column 39\)/,
      ),
    });
    expect(editor.store.getState().document.nodes.map((n) => n.type)).not.toEqual(before.nodes.map((n) => n.type));
  });
});
