import { useRef, useState } from "react";
import { Modal } from "../kit/Modal";
import { useEditorInstance } from "../store/react";
import { importInto, type ImportSource } from "../import/door";

/**
 * The import door as a dialog: paste text or choose a file. The input is read and checked first;
 * the graph is replaced only when it imports (docs/import-export.md, "One import door").
 */
export function ImportDialog() {
  const editor = useEditorInstance();
  const { ui } = editor;
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const close = () => ui.set({ importOpen: false });
  const run = async (source: ImportSource) => {
    setBusy(true);
    setError(null);
    const r = await importInto(editor, source);
    setBusy(false);
    if (!r.ok) return r.cancelled || setError(r.error);
    close();
    // An import's report panel says what came in; a second notice saying the same would pile up.
    if (!r.report) ui.toast("Opened", "success");
  };
  return (
    <Modal title="Import" onClose={close}>
      <p className="muted">
        Paste a <code>fal-ai/lora</code> request (JSON), A1111 / Forge / Civitai generation data, or a ComfyUI workflow
        or API prompt; or choose an image or file that carries one. It becomes an editable pipeline, and a report lists
        what could not be carried over. You can also paste or drop these straight onto the canvas.
      </p>
      <textarea
        className="input textarea mono"
        rows={12}
        aria-label="Text to import"
        value={text}
        placeholder={
          '{\n  "model_name": "stabilityai/stable-diffusion-xl-base-1.0",\n  "prompt": "a lighthouse at dusk"\n}\n\nor: a castle at dusk\nSteps: 28, Sampler: DPM++ 2M, CFG scale: 6.5, Seed: 1234'
        }
        onChange={(e) => (setText(e.target.value), setError(null))}
      />
      {error && (
        <div className="callout error" role="alert">
          {error}
        </div>
      )}
      <input
        ref={picker}
        type="file"
        hidden
        accept=".json,.txt,.png,.jpg,.jpeg,.webp,application/json,text/plain,image/png,image/jpeg,image/webp"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void run({ file });
        }}
      />
      <div className="modal-foot">
        <button className="btn" style={{ marginRight: "auto" }} disabled={busy} onClick={() => picker.current?.click()}>
          Choose a file…
        </button>
        <button className="btn" onClick={close}>
          Cancel
        </button>
        <button className="btn primary" disabled={!text.trim() || busy} onClick={() => void run({ text })}>
          Import
        </button>
      </div>
    </Modal>
  );
}
