import { useEffect, useState } from "react";
import { storedImageUrl } from "./actions";
import { useEditorInstance } from "../store/react";
import type { RunRecord } from "./types";

/**
 * A run's image: the IndexedDB copy when there is one (it outlives fal's CDN), else the URL.
 * Remote images load without a referrer.
 */
export function useRunImageSrc(run: RunRecord, index: number): string | null {
  const img = run.images[index];
  const key = img?.storedKey;
  // undefined while the stored copy is being read; null when it was evicted.
  const editor = useEditorInstance();
  const [storedSrc, setStoredSrc] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (!key) return;
    let alive = true;
    setStoredSrc(undefined);
    void storedImageUrl(editor, key).then((u) => alive && setStoredSrc(u));
    return () => {
      alive = false;
    };
  }, [editor, key]);
  if (!img) return null;
  if (!key) return img.url;
  if (storedSrc === undefined) return null;
  return storedSrc ?? img.url;
}

export function RunThumb({ run, index, onOpen }: { run: RunRecord; index: number; onOpen(): void }) {
  const src = useRunImageSrc(run, index);
  const [broken, setBroken] = useState(false);
  const img = run.images[index];
  return (
    <button
      type="button"
      className="run-thumb nodrag"
      title={`Image ${index + 1}${img?.width ? ` · ${img.width}×${img.height}` : ""} — click to enlarge`}
      onClick={onOpen}
    >
      {src && !broken ? (
        <img
          src={src}
          alt={`Result ${index + 1} of ${run.title}`}
          referrerPolicy="no-referrer"
          draggable={false}
          onError={() => setBroken(true)}
          data-run-image={run.id}
        />
      ) : (
        <span>{broken ? "expired" : "…"}</span>
      )}
    </button>
  );
}
