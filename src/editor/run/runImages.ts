// Result images: reading them out of fal's answer, and copying them into the run history
// (bounded), because fal's CDN keeps files only for a while.
import type { RunHistory } from "./history";
import type { RunLedger } from "./runLedger";
import type { RunImage, RunRecord } from "./types";
import type { FetchImage, RunLimits } from "./controller";

export const defaultFetchImage: FetchImage = async (url, maxBytes) => {
  const res = await fetch(url, { referrerPolicy: "no-referrer", credentials: "omit" });
  if (!res.ok) return null;
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  const bytes = await res.arrayBuffer();
  if (bytes.byteLength > maxBytes) return null;
  return { bytes, type: (res.headers.get("content-type") ?? "").split(";")[0] || "application/octet-stream" };
};

/** Result images from fal's output, keeping only http(s) URLs (output is untrusted too). */
export function parseResult(data: unknown): { images: RunImage[]; seed?: number } | null {
  if (!data || typeof data !== "object") return null;
  const d = data as { images?: unknown; seed?: unknown };
  if (!Array.isArray(d.images)) return null;
  const images: RunImage[] = [];
  for (const raw of d.images) {
    if (!raw || typeof raw !== "object") continue;
    const img = raw as { url?: unknown; width?: unknown; height?: unknown; content_type?: unknown };
    if (typeof img.url !== "string" || !/^https?:\/\//i.test(img.url)) continue;
    images.push({
      url: img.url,
      width: typeof img.width === "number" ? img.width : undefined,
      height: typeof img.height === "number" ? img.height : undefined,
      contentType: typeof img.content_type === "string" ? img.content_type : undefined,
    });
  }
  return { images, seed: typeof d.seed === "number" ? d.seed : undefined };
}

export interface ImageCopier {
  ledger: RunLedger;
  history: RunHistory;
  fetchImage: FetchImage;
  limits: RunLimits;
  now: () => number;
  /** createdAt of the last copy: strictly increasing so eviction order is copy order. */
  lastImageAt: number;
}

async function copyOne(c: ImageCopier, record: RunRecord, img: RunImage, i: number): Promise<RunImage | null> {
  try {
    const got = await c.fetchImage(img.url, c.limits.maxImageBytes);
    if (!got) return null;
    const key = `${record.id}:${i}`;
    // Strictly increasing so eviction order is copy order even within one millisecond.
    c.lastImageAt = Math.max(c.now(), c.lastImageAt + 1);
    await c.history.putImage({
      key,
      runId: record.id,
      bytes: got.bytes,
      type: got.type,
      size: got.bytes.byteLength,
      createdAt: c.lastImageAt,
    });
    return { ...img, storedKey: key };
  } catch {
    // The CDN copy is still there for now; history just will not outlive it.
    return null;
  }
}

/** Older runs lose their copies first; their records then point at the CDN URL only. */
function forgetEvicted(ledger: RunLedger, evicted: ReadonlySet<string>): void {
  if (!evicted.size) return;
  for (const r of ledger.getState().runs) {
    if (!r.images.some((img) => img.storedKey && evicted.has(img.storedKey))) continue;
    ledger.update(r.id, {
      images: r.images.map((img) =>
        img.storedKey && evicted.has(img.storedKey) ? { ...img, storedKey: undefined } : img,
      ),
    });
  }
}

/** Copies a finished run's images into the history, then evicts the oldest copies beyond the budget. */
export async function copyImages(c: ImageCopier, record: RunRecord): Promise<RunRecord> {
  const copies = await Promise.all(record.images.map((img, i) => copyOne(c, record, img, i)));
  if (!copies.some(Boolean)) return record;
  const next = c.ledger.update(record.id, { images: copies.map((copy, i) => copy ?? record.images[i]) });
  const evicted = new Set(await c.history.pruneImages(c.limits.maxStoredBytes).catch(() => [] as string[]));
  forgetEvicted(c.ledger, evicted);
  return c.ledger.find(record.id) ?? next ?? record;
}
