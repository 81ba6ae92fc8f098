// @vitest-environment happy-dom
// The Library dialog lists what the library holds only once it has read it: until then it says it
// is reading, never "No saved workflows yet" nor the list from the last time it was open (the
// dialog stays mounted after its first opening). The browser tests wait on that (saving.e2e).
// An open rename field outlives the list being read again (a change on disk, another tab).
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { registry } from "../../nodes";
import { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { persistenceOf } from "../../src/editor/persistence/boot";
import type { Session } from "../../src/editor/persistence/session";
import type { WorkflowSummary } from "../../src/editor/persistence/library";
import { filesUiOf } from "../../src/editor/library/files";
import { workspaceOf } from "../../src/editor/library/workspace";
import FilesDialogs from "../../src/editor/library/FilesDialogs";

afterEach(cleanup);

const entry = (name: string, updatedAt = 0): WorkflowSummary => ({
  id: name,
  name,
  createdAt: 0,
  updatedAt,
  nodeCount: 3,
});

/** A workspace file as the workspace library lists it: its id is its path. */
const onDisk = (name: string, updatedAt: number): WorkflowSummary => ({
  ...entry(name, updatedAt),
  id: `ws:${name}.json`,
  where: "workspace",
  file: `pipelines/${name}.json`,
});

/** A session whose library answers each `list()` only when the test says so. */
function slowSession() {
  const answers: { resolve(list: WorkflowSummary[]): void; reject(e: Error): void }[] = [];
  const state = { library: null };
  const session = {
    library: {
      list: () => new Promise<WorkflowSummary[]>((resolve, reject) => answers.push({ resolve, reject })),
    },
    drafts: { listRecent: async () => [], listSlots: async () => [] },
    subscribe: () => () => {},
    state: () => state,
  } as unknown as Session;
  return {
    session,
    answer: (list: WorkflowSummary[]) => act(async () => answers.shift()!.resolve(list)),
    fail: (message: string) => act(async () => answers.shift()!.reject(new Error(message))),
    pending: () => answers.length,
  };
}

const list = () => screen.getByTestId("library-list");
const names = () => screen.queryAllByTestId("library-item-name").map((e) => e.textContent);
const rows = () =>
  screen
    .getAllByTestId("library-item")
    .map((row) =>
      within(row).queryByTestId("library-rename-input") ? "field" : row.querySelector(".lg-row-text")?.textContent,
    );

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

describe("the Library's rename field while the list is read again", () => {
  const open = async () => {
    const editor = createEditor({ registry });
    const slow = slowSession();
    persistenceOf(editor).state.set({ session: slow.session });
    render(
      <EditorProvider editor={editor}>
        <FilesDialogs />
      </EditorProvider>,
    );
    act(() => filesUiOf(editor).set({ library: true }));
    await slow.answer([onDisk("Keep", 5), onDisk("Castle", 3)]);
    const keep = screen.getAllByTestId("library-item").find((row) => row.textContent?.includes("pipelines/Keep.json"));
    fireEvent.click(within(keep!).getByTestId("library-rename"));
    const input = screen.getByTestId<HTMLInputElement>("library-rename-input");
    fireEvent.change(input, { target: { value: "Moat keep" } });
    input.setSelectionRange(4, 4);
    // A change on disk: the workspace's revision goes up, and the open Library reads its list again.
    const changeOnDisk = () => act(() => workspaceOf(editor).set({ revision: workspaceOf(editor).get().revision + 1 }));
    return { editor, input, changeOnDisk, ...slow };
  };
  const toasts = (editor: ReturnType<typeof createEditor>) => editor.ui.get().toasts.map((t) => t.text);

  it("keeps the field, its text and caret through a new file, another order and the file's own new save", async () => {
    const { input, changeOnDisk, answer, pending } = await open();
    console.log("before", document.activeElement === input, document.activeElement?.outerHTML.slice(0, 60));
    changeOnDisk();
    expect(pending()).toBe(1);
    // git pull: a new file at the top, and Keep.json itself written again (a newer save time).
    await answer([onDisk("Moat", 9), onDisk("Castle", 8), onDisk("Keep", 7)]);
    expect(screen.getAllByTestId("library-item")).toHaveLength(3);
    const now = screen.getByTestId<HTMLInputElement>("library-rename-input");
    expect(now).toBe(input);
    expect(now.value).toBe("Moat keep");
    expect([now.selectionStart, now.selectionEnd]).toEqual([4, 4]);
    expect(document.activeElement).toBe(now);
    // The rows keep their order while the field is open (a moved row would lose the focus), the
    // new one first; closed, the list is newest first again.
    expect(rows()).toEqual(["Moat", "field", "Castle"]);
    fireEvent.keyDown(now, { key: "Escape" });
    expect(rows()).toEqual(["Moat", "Castle", "Keep"]);
  });

  it("keeps the rows and the field when the list cannot be read, and says why", async () => {
    const { input, changeOnDisk, fail } = await open();
    changeOnDisk();
    await fail("Could not list the workspace: 503");
    expect(screen.getByText(/Could not list the workspace: 503/)).toBeTruthy();
    expect(screen.getAllByTestId("library-item")).toHaveLength(2);
    expect(screen.getByTestId("library-rename-input")).toBe(input);
    expect(input.value).toBe("Moat keep");
  });

  it("closes only when the file itself is gone, and names it with the text that was typed", async () => {
    const { editor, changeOnDisk, answer } = await open();
    changeOnDisk();
    await answer([onDisk("Keep", 5), onDisk("Castle", 3), onDisk("Moat", 9)]);
    expect(screen.queryByTestId("library-rename-input")).not.toBeNull();
    changeOnDisk();
    await answer([onDisk("Castle", 3), onDisk("Moat", 9)]);
    expect(screen.queryByTestId("library-rename-input")).toBeNull();
    expect(toasts(editor)).toContainEqual(expect.stringMatching(/pipelines\/Keep\.json is gone.*“Moat keep”/));
  });
});
