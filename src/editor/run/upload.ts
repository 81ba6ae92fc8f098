import type { Editor } from "../store/editor";
import { runtimeOf } from "./runtime";

/**
 * Uploads an image through the proxy to fal storage (fal.storage.upload) and returns its URL,
 * so the workflow holds a short URL instead of a multi-megabyte data: URI.
 */
export async function uploadImageFile(editor: Editor, file: Blob): Promise<string> {
  return runtimeOf(editor).runner.upload(file);
}
