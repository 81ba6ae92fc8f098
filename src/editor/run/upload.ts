import { getRuntime } from "./runtime";

/**
 * Uploads an image through the proxy to fal storage (fal.storage.upload) and returns its URL,
 * so the workflow holds a short URL instead of a multi-megabyte data: URI.
 */
export async function uploadImageFile(file: Blob): Promise<string> {
  return getRuntime().runner.upload(file);
}
