// @vitest-environment happy-dom
// A finished run's picture stays on screen while its IndexedDB copy is read (EXE-02's browser
// test counted no image in that moment), and an image never shown waits for its copy.
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render } from "@testing-library/react";
import { registry } from "../../nodes";
import { emptyDocument } from "../../src/graph";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { RunImage, RunThumb } from "../../src/editor/run/Thumb";
import type { RunRecord } from "../../src/editor/run/types";

const reads = new Map<string, (src: string | null) => void>();
vi.mock("../../src/editor/run/storedImages", () => ({
  storedImageUrl: (_editor: unknown, key: string) => new Promise((resolve) => reads.set(key, resolve)),
}));

afterEach(() => {
  cleanup();
  reads.clear();
});

const URL_A = "https://v3.fal.media/files/a.png";
const run = (storedKey?: string): RunRecord =>
  ({ id: "r1", title: "t", status: "completed", images: [{ url: URL_A, storedKey }] }) as unknown as RunRecord;

function mount(r: RunRecord) {
  const editor = createEditor({ registry, document: emptyDocument({ name: "x" }), makeId: counterIds() });
  const view = render(
    <EditorProvider editor={editor}>
      <RunThumb run={r} index={0} onOpen={() => {}} />
    </EditorProvider>,
  );
  const imgs = () => [...view.container.querySelectorAll("img")].map((i) => i.getAttribute("src"));
  const rerender = (next: RunRecord) =>
    view.rerender(
      <EditorProvider editor={editor}>
        <RunThumb run={next} index={0} onOpen={() => {}} />
      </EditorProvider>,
    );
  return { imgs, rerender };
}

describe("a run's thumbnail", () => {
  it("EXE-02: the picture shown by its URL stays while the copy is read, then the copy replaces it", async () => {
    const t = mount(run());
    expect(t.imgs()).toEqual([URL_A]);
    t.rerender(run("r1:0"));
    expect(t.imgs()).toEqual([URL_A]);
    await act(async () => reads.get("r1:0")!("blob:copy"));
    expect(t.imgs()).toEqual(["blob:copy"]);
  });

  it("an image never shown waits for its copy (an expired URL is not asked for)", async () => {
    const t = mount(run("r1:0"));
    expect(t.imgs()).toEqual([]);
    await act(async () => reads.get("r1:0")!("blob:copy"));
    expect(t.imgs()).toEqual(["blob:copy"]);
  });

  it("an evicted copy falls back to the URL", async () => {
    const t = mount(run("r1:0"));
    await act(async () => reads.get("r1:0")!(null));
    expect(t.imgs()).toEqual([URL_A]);
  });
});

describe("a run's image in the thumbnail and the result preview (RunImage)", () => {
  const URL_B = "https://v3.fal.media/files/b.png";
  const two = (storedB?: string): RunRecord =>
    ({
      id: "r1",
      title: "t",
      status: "completed",
      images: [{ url: URL_A }, { url: URL_B, storedKey: storedB }],
    }) as unknown as RunRecord;

  it("says expired only of the source that failed: not of the next image while it loads, nor of its copy", async () => {
    const editor = createEditor({ registry, document: emptyDocument({ name: "x" }), makeId: counterIds() });
    const at = (r: RunRecord, index: number) => (
      <EditorProvider editor={editor}>
        <RunImage run={r} index={index} loading="Loading…" expired="This image has expired" />
      </EditorProvider>
    );
    const view = render(at(two("r1:1"), 0));
    fireEvent.error(view.container.querySelector("img")!);
    expect(view.container.textContent).toBe("This image has expired");
    // The next image (the preview's arrow) waits for its stored copy: loading, not expired.
    view.rerender(at(two("r1:1"), 1));
    expect(view.container.textContent).toBe("Loading…");
    await act(async () => reads.get("r1:1")!("blob:b"));
    expect(view.container.querySelector("img")?.getAttribute("src")).toBe("blob:b");
    // Back to the first: its URL failed, and still has no copy.
    view.rerender(at(two("r1:1"), 0));
    expect(view.container.textContent).toBe("This image has expired");
  });
});
