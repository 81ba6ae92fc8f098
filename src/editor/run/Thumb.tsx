import { useEffect, useState } from "react";
import { storedImageUrl } from "./storedImages";
import { useEditorInstance } from "../store/react";
import type { RunRecord } from "./types";

/**
 * A run's image: the IndexedDB copy when there is one (it outlives fal's CDN), else the URL.
 * Remote images load without a referrer.
 *
 * While the copy is read, an image this view already showed by its URL stays shown: a run that
 * just finished gets its copy a moment after its picture, and dropping the picture for that
 * moment made it flicker (and made EXE-02's browser test count no image). An image not yet shown
 * waits for its copy, so an expired URL is not asked for.
 */
export function useRunImageSrc(run: RunRecord, index: number): string | null {
  const img = run.images[index];
  const key = img?.storedKey;
  const editor = useEditorInstance();
  const [stored, setStored] = useState<{ key: string; src: string | null } | null>(null);
  const [shownUrl, setShownUrl] = useState<string | null>(null);
  if (img && !key && shownUrl !== img.url) setShownUrl(img.url);
  useEffect(() => {
    if (!key) return;
    let alive = true;
    void storedImageUrl(editor, key).then((src) => alive && setStored({ key, src }));
    return () => {
      alive = false;
    };
  }, [editor, key]);
  if (!img) return null;
  if (!key) return img.url;
  if (stored?.key === key) return stored.src ?? img.url;
  return shownUrl === img.url ? img.url : null;
}

/**
 * A run's image (useRunImageSrc), or a line in its place: `loading` while there is no source yet,
 * `expired` once the source failed to load. Broken is per source: an expired URL does not hide the
 * stored copy that replaces it, nor say "expired" of the next image while that one loads.
 */
export function RunImage({
  run,
  index,
  loading,
  expired,
}: {
  run: RunRecord;
  index: number;
  loading: string;
  expired: string;
}) {
  const src = useRunImageSrc(run, index);
  const [brokenSrc, setBrokenSrc] = useState<string | null>(null);
  if (!src || brokenSrc === src) return <span>{src ? expired : loading}</span>;
  return (
    <img
      src={src}
      alt={`Result ${index + 1} of ${run.title}`}
      referrerPolicy="no-referrer"
      draggable={false}
      onError={() => setBrokenSrc(src)}
      data-run-image={run.id}
    />
  );
}

export function RunThumb({ run, index, onOpen }: { run: RunRecord; index: number; onOpen(): void }) {
  const img = run.images[index];
  return (
    <button
      type="button"
      className="run-thumb nodrag"
      title={`Image ${index + 1}${img?.width ? ` · ${img.width}×${img.height}` : ""} — click to enlarge`}
      onClick={onOpen}
    >
      <RunImage run={run} index={index} loading="…" expired="expired" />
    </button>
  );
}
