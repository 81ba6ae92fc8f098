/**
 * Uploading a dropped file to fal storage through the client (src/fal), with progress and cancel.
 * The client's multipart path (files over 90 MiB, which most LoRAs are) sends 10 MiB parts; each
 * PUT of file bytes goes through XMLHttpRequest here, because fetch cannot report upload progress.
 * Everything else (the initiate call through the proxy, the multipart complete) is plain fetch.
 */
import type { Editor } from "../store/editor";
import { runtimeOf } from "../run/runtime";
import { uploadsPart, type Upload } from "./uploadList";

const aborted = () => new DOMException("The upload was cancelled", "AbortError");

function headersOf(raw: string): Headers {
  const h = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const i = line.indexOf(":");
    if (i > 0) h.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return h;
}

/** A fetch whose PUTs of Blobs report the bytes sent (parts before included) and stop on `signal`. */
export function progressFetch(signal: AbortSignal, onSent: (bytes: number) => void): typeof fetch {
  let finished = 0;
  return (input, init = {}) => {
    if (signal.aborted) return Promise.reject(aborted());
    const body = init.body;
    if (init.method !== "PUT" || !(body instanceof Blob)) return fetch(input, { ...init, signal });
    return new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", String(input instanceof Request ? input.url : input));
      new Headers(init.headers).forEach((v, k) => xhr.setRequestHeader(k, v));
      xhr.responseType = "blob";
      xhr.upload.onprogress = (e) => onSent(finished + e.loaded);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) onSent((finished += body.size));
        const empty = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
        resolve(
          new Response(empty ? null : (xhr.response as Blob), {
            status: xhr.status,
            statusText: xhr.statusText,
            headers: headersOf(xhr.getAllResponseHeaders()),
          }),
        );
      };
      xhr.onerror = () => reject(new TypeError("Failed to fetch"));
      xhr.onabort = () => reject(aborted());
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  };
}

/**
 * Uploads `file` with its progress in the uploads list; resolves with its URL, or null when the
 * user cancelled. Throws with the client's reason when the upload fails.
 */
export async function uploadWithProgress(editor: Editor, file: File): Promise<string | null> {
  const part = editor.part(uploadsPart);
  const store = part.store;
  const ac = new AbortController();
  const id = part.next++;
  const update = (patch: Partial<Upload>) =>
    store.set({ list: store.get().list.map((u) => (u.id === id ? { ...u, ...patch } : u)) });
  store.set({
    list: [...store.get().list, { id, name: file.name, total: file.size, sent: 0, cancel: () => ac.abort() }],
  });
  try {
    const [proxyUrl, { createRunner }] = await Promise.all([runtimeOf(editor).proxyUrl(), import("../../fal/runner")]);
    const runner = createRunner({ proxyUrl, fetch: progressFetch(ac.signal, (sent) => update({ sent })) });
    return await runner.upload(file, { signal: ac.signal });
  } catch (e) {
    if (ac.signal.aborted) return null;
    throw e;
  } finally {
    store.set({ list: store.get().list.filter((u) => u.id !== id) });
  }
}
