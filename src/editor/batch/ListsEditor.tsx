/**
 * The wildcard lists of the library and the workspace: pick one to edit, add one by name (in the
 * library, or in the workspace when the server has one), delete a library list.
 */
import { useState } from "react";
import { LIST_NAME, WORKSPACE_LIST_NAME, type ListHome } from "./lists";
import type { WildcardListsApi } from "./useLists";

export function ListsEditor({ api }: { api: WildcardListsApi }) {
  const { lists } = api;
  const names = lists.map((l) => l.name);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [home, setHome] = useState<ListHome>("library");
  const current = lists.find((l) => l.name === selected) ?? lists[0] ?? null;
  const where = api.workspace ? home : "library";
  const draftOk = (where === "workspace" ? WORKSPACE_LIST_NAME : LIST_NAME).test(draft) && !names.includes(draft);
  const add = () => {
    if (!draftOk) return;
    api.add(draft, where);
    setSelected(draft);
    setDraft("");
  };
  return (
    <details className="bt-lists" data-batch-lists open={lists.length > 0}>
      <summary>
        <span className="bt-label">Wildcard lists</span>{" "}
        <span className="muted small">
          {!api.loaded
            ? "loading…"
            : names.length
              ? names.map((n) => `__${n}__`).join(" ")
              : "none yet: add one, then write __name__ in a prompt"}
        </span>
      </summary>
      <div className="bt-lists-body">
        <div className="bt-list-names" role="tablist" aria-label="Wildcard lists">
          {lists.map((l) => (
            <button
              key={l.name}
              type="button"
              role="tab"
              aria-selected={l.name === current?.name}
              className={`bt-list-name ${l.name === current?.name ? "on" : ""}`}
              data-list-home={l.home}
              title={
                l.home === "workspace" ? `The workspace's wildcards/${l.name}.txt` : "Kept in this browser's library"
              }
              onClick={() => setSelected(l.name)}
            >
              {l.name}
              {l.home === "workspace" && <span className="bt-list-home">ws</span>}
            </button>
          ))}
          <input
            className="input bt-list-new"
            aria-label="New list name"
            placeholder="new list name"
            value={draft}
            onChange={(e) => setDraft(e.target.value.trim())}
            onKeyDown={(e) => e.key === "Enter" && add()}
          />
          {api.workspace && (
            <select
              className="input select bt-list-where"
              aria-label="Keep the new list in"
              value={home}
              onChange={(e) => setHome(e.target.value as ListHome)}
            >
              <option value="library">in the library</option>
              <option value="workspace">in the workspace</option>
            </select>
          )}
          <button type="button" className="btn small" disabled={!draftOk} onClick={add}>
            Add
          </button>
        </div>
        {current && (
          <div className="bt-list-edit">
            <textarea
              className="input textarea mono"
              aria-label={`List ${current.name}, one option a line`}
              rows={4}
              placeholder={"red\ngreen\n# a comment\n__another_list__"}
              value={current.text}
              onChange={(e) => api.edit(current.name, e.target.value)}
              onBlur={api.flush}
            />
            <div className="bt-list-foot">
              <span className="muted small">
                {current.home === "workspace"
                  ? `wildcards/${current.name}.txt in the workspace, as lora-graph run --workspace reads it`
                  : "in this browser's library"}
              </span>
              {current.home === "library" && (
                <button
                  type="button"
                  className="link-btn"
                  onClick={() => {
                    void api.remove(current.name);
                    setSelected(null);
                  }}
                >
                  Delete __{current.name}__
                </button>
              )}
            </div>
          </div>
        )}
        {api.error && (
          <div className="callout error" data-list-error>
            {api.error}
          </div>
        )}
      </div>
    </details>
  );
}
