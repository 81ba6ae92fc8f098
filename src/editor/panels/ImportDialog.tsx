import { useState } from "react";
import { Modal } from "../kit/Modal";
import { useEditorStore } from "../store/react";
import { ui } from "../store/ui";
import { importRequestText } from "../io";

/** Paste a fal-ai/lora request (JSON) and get the graph that produces it. */
export function ImportDialog() {
  const store = useEditorStore();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => ui.set({ importOpen: false });
  return (
    <Modal title="Import a fal request" onClose={close}>
      <p className="muted">
        Paste the JSON input of a <code>fal-ai/lora</code> request (or a <code>{"{ input: … }"}</code> object). It
        becomes an editable pipeline.
      </p>
      <textarea
        className="input textarea mono"
        rows={12}
        aria-label="Request JSON"
        value={text}
        placeholder={
          '{\n  "model_name": "stabilityai/stable-diffusion-xl-base-1.0",\n  "prompt": "a lighthouse at dusk"\n}'
        }
        onChange={(e) => (setText(e.target.value), setError(null))}
      />
      {error && <div className="callout error">{error}</div>}
      <div className="modal-foot">
        <button className="btn" onClick={close}>
          Cancel
        </button>
        <button
          className="btn primary"
          disabled={!text.trim() || busy}
          onClick={async () => {
            setBusy(true);
            const r = await importRequestText(store, text);
            setBusy(false);
            if (!r.ok) return r.error !== "Cancelled" && setError(r.error);
            close();
            const dropped = r.notes.filter((d) => d.severity !== "info");
            ui.toast(
              dropped.length
                ? `Imported with ${dropped.length} note${dropped.length > 1 ? "s" : ""}: ${dropped[0].message}`
                : "Request imported",
              dropped.length ? "info" : "success",
              7000,
            );
          }}
        >
          Import
        </button>
      </div>
    </Modal>
  );
}
