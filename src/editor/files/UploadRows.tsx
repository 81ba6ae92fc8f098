/** Files being uploaded, each with its progress and a Cancel button (bottom of the canvas; Uploads.tsx). */
import { useUiStore } from "../store/uiStore";
import { useEditorInstance } from "../store/react";
import { uploadsOf } from "./uploadList";
import "./files.css";

const mb = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;

export default function UploadRows() {
  const editor = useEditorInstance();
  const list = useUiStore(uploadsOf(editor), (s) => s.list);
  if (!list.length) return null;
  return (
    <div className="uploads" role="status" aria-label="Uploads">
      {list.map((u) => {
        const pct = u.total ? Math.min(100, Math.round((u.sent / u.total) * 100)) : 0;
        return (
          <div key={u.id} className="upload-row" data-testid="upload">
            <div className="upload-text">
              <span className="upload-name" title={u.name}>
                Uploading {u.name}
              </span>
              <span className="upload-pct">
                {mb(u.sent)} of {mb(u.total)} · {pct}%
              </span>
            </div>
            <div
              className="upload-bar"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              aria-label={`Upload of ${u.name}`}
            >
              <div style={{ width: `${pct}%` }} />
            </div>
            <button type="button" className="btn small" onClick={u.cancel}>
              Cancel
            </button>
          </div>
        );
      })}
    </div>
  );
}
