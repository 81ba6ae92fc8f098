/**
 * Files being uploaded (bottom of the canvas). The rows' code loads with the first upload, which
 * takes longer than the fetch of a small chunk: the first paint never shows one
 * (docs/codebase.md#the-first-load).
 */
import { Suspense } from "react";
import { useUiStore } from "../store/uiStore";
import { useEditorInstance } from "../store/react";
import { lazyPart } from "../lazy";
import { uploadsOf } from "./uploadList";

const UploadRows = lazyPart(() => import("./UploadRows"));

export function Uploads() {
  const any = useUiStore(uploadsOf(useEditorInstance()), (s) => s.list.length > 0);
  return any ? (
    <Suspense fallback={null}>
      <UploadRows />
    </Suspense>
  ) : null;
}
