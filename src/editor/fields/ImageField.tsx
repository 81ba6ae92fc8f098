import { useRef, useState } from "react";
import type { FieldProps } from "./types";
import { uploadImageFile } from "../run/upload";
import { useEditorInstance } from "../store/react";

/** Files are read into data: URIs; the runner uploads them before a request. Big files would bloat the workflow. */
export const MAX_IMAGE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * URL box with a thumbnail. A remote URL is never fetched on its own (an imported workflow could
 * point at a tracking pixel): the preview loads only after the user asks, without a referrer.
 */
/**
 * Files uploaded to fal storage (fal's media hosts) or to this server's stand-in are the user's
 * own: their previews show at once. Only third-party URLs wait for the user's click.
 */
function isUploaded(url: string): boolean {
  try {
    const u = new URL(url);
    return u.origin === location.origin || (u.protocol === "https:" && /(^|\.)fal\.media$/.test(u.hostname));
  } catch {
    return false;
  }
}

export function ImageField({ value, onChange, id, invalid, compact, spec }: FieldProps<string>) {
  const editor = useEditorInstance();
  const [approved, setApproved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [editing, setEditing] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const url = value ?? "";
  const isData = url.startsWith("data:image/");
  const isRemote = /^https?:\/\//i.test(url);
  const showThumb = isData || (isRemote && (approved === url || isUploaded(url)));
  return (
    <div className="col gap4 image-field">
      <div className="row gap4">
        <input
          id={id}
          className="input mono"
          spellCheck={false}
          aria-invalid={invalid || undefined}
          value={isData ? `${url.slice(0, 30)}… (${Math.round(url.length / 1024)} KB)` : editing ? url : fileLabel(url)}
          title={isData ? undefined : url || undefined}
          readOnly={isData}
          onFocus={() => setEditing(true)}
          onBlur={() => setEditing(false)}
          placeholder={spec.placeholder ?? "https://… or pick a file"}
          onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
        />
        <button
          type="button"
          className="icon-btn"
          title="Choose file… (uploaded to fal storage)"
          aria-label="Choose file…"
          disabled={uploading}
          onClick={() => fileRef.current?.click()}
        >
          {uploading ? "…" : "⇪"}
        </button>
        {url && (
          <button
            type="button"
            className="icon-btn"
            title="Clear"
            aria-label="Clear image"
            onClick={() => onChange(undefined)}
          >
            ×
          </button>
        )}
        <input
          ref={fileRef}
          type="file"
          accept="image/*"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (!file) return;
            if (file.size > MAX_IMAGE_FILE_BYTES)
              return setError(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is 8 MB`);
            setError(null);
            setUploading(true);
            // Upload to fal storage through the proxy; if that fails, embed the file as a data: URI (fal accepts both).
            uploadImageFile(editor, file)
              .then((fileUrl) => onChange(fileUrl))
              .catch((err: unknown) => {
                setError(
                  `Upload failed (${(err as Error)?.message ?? String(err)}); the image is embedded in the request instead.`,
                );
                const reader = new FileReader();
                reader.onload = () => typeof reader.result === "string" && onChange(reader.result);
                reader.readAsDataURL(file);
              })
              .finally(() => setUploading(false));
          }}
        />
      </div>
      {showThumb ? (
        <img
          className={`thumb ${compact ? "small" : ""}`}
          src={url}
          alt="Preview"
          referrerPolicy="no-referrer"
          draggable={false}
        />
      ) : isRemote ? (
        <button type="button" className="link-btn" onClick={() => setApproved(url)}>
          Load preview
        </button>
      ) : null}
      {error && <span className="field-msg error">{error}</span>}
    </div>
  );
}

/**
 * A URL as a person scans it: the file name first, then the host ("castle.png · example.com"); a
 * narrow field cut a long URL off before its name. The full URL shows on hover and while editing.
 */
export function fileLabel(url: string): string {
  try {
    const u = new URL(url);
    const name = decodeURIComponent(u.pathname.split("/").filter(Boolean).pop() ?? "");
    return name && /^https?:$/.test(u.protocol) ? `${name} · ${u.host}` : url;
  } catch {
    return url;
  }
}
