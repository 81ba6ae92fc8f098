// @vitest-environment happy-dom
// The Library dialog lists what the library holds only once it has read it: until then it says it
// is reading, never "No saved workflows yet" nor the list from the last time it was open (the
// dialog stays mounted after its first opening). The browser tests wait on that (saving.e2e).
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render, screen } from "@testing-library/react";
import { registry } from "../../nodes";
import { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { persistenceOf } from "../../src/editor/persistence/boot";
import type { Session } from "../../src/editor/persistence/session";
import type { WorkflowSummary } from "../../src/editor/persistence/library";
import { filesUiOf } from "../../src/editor/library/files";
import FilesDialogs from "../../src/editor/library/FilesDialogs";

afterEach(cleanup);

const entry = (name: string): WorkflowSummary => ({
  id: name,
  name,
  createdAt: 0,
  updatedAt: 0,
  nodeCount: 3,
});

/** A session whose library answers each `list()` only when the test says so. */
function slowSession() {
  const answers: ((list: WorkflowSummary[]) => void)[] = [];
  const state = { library: null };
  const session = {
    library: { list: () => new Promise<WorkflowSummary[]>((resolve) => answers.push(resolve)) },
    drafts: { listRecent: async () => [], listSlots: async () => [] },
    subscribe: () => () => {},
    state: () => state,
  } as unknown as Session;
  return { session, answer: (list: WorkflowSummary[]) => act(async () => answers.shift()!(list)) };
}

const list = () => screen.getByTestId("library-list");
const names = () => screen.queryAllByTestId("library-item-name").map((e) => e.textContent);

describe("the Library dialog while its list is read", () => {
  it("says it is reading until the list comes, and shows no earlier opening's list", async () => {
    const editor = createEditor({ registry });
    const { session, answer } = slowSession();
    persistenceOf(editor).state.set({ session });
    const files = filesUiOf(editor);
    render(
      <EditorProvider editor={editor}>
        <FilesDialogs />
      </EditorProvider>,
    );

    act(() => files.set({ library: true }));
    expect(list().getAttribute("aria-busy")).toBe("true");
    expect(list().textContent).toMatch(/Reading the library/);
    expect(list().textContent).not.toMatch(/No saved workflows yet/);
    await answer([entry("Castle"), entry("Tower")]);
    expect(list().getAttribute("aria-busy")).toBe("false");
    expect(names()).toEqual(["Castle", "Tower"]);

    // Closed and opened again: the old rows are gone until the library is read again.
    act(() => files.set({ library: false }));
    act(() => files.set({ library: true }));
    expect(list().getAttribute("aria-busy")).toBe("true");
    expect(names()).toEqual([]);
    await answer([]);
    expect(list().getAttribute("aria-busy")).toBe("false");
    expect(list().textContent).toMatch(/No saved workflows yet/);
  });
});
