/** The wildcard lists kept in this browser: pick one to edit, add one by name, delete one. */
import { useState } from "react";
import { LIST_NAME } from "./lists";

export function ListsEditor({
  lists,
  onChange,
}: {
  lists: Record<string, string>;
  onChange(next: Record<string, string>): void;
}) {
  const names = Object.keys(lists).sort();
  const [selected, setSelected] = useState<string | null>(names[0] ?? null);
  const [draft, setDraft] = useState("");
  const current = selected !== null && Object.hasOwn(lists, selected) ? selected : null;
  const draftOk = LIST_NAME.test(draft) && !Object.hasOwn(lists, draft);
  const add = () => {
    if (!draftOk) return;
    onChange({ ...lists, [draft]: "" });
    setSelected(draft);
    setDraft("");
  };
  return (
    <details className="bt-lists" data-batch-lists open={names.length > 0}>
      <summary>
        <span className="bt-label">Wildcard lists</span>{" "}
        <span className="muted small">
          {names.length ? names.map((n) => `__${n}__`).join(" ") : "none yet: add one, then write __name__ in a prompt"}
        </span>
      </summary>
      <div className="bt-lists-body">
        <div className="bt-list-names" role="tablist" aria-label="Wildcard lists">
          {names.map((n) => (
            <button
              key={n}
              type="button"
              role="tab"
              aria-selected={n === current}
              className={`bt-list-name ${n === current ? "on" : ""}`}
              onClick={() => setSelected(n)}
            >
              {n}
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
          <button type="button" className="btn small" disabled={!draftOk} onClick={add}>
            Add
          </button>
        </div>
        {current !== null && (
          <div className="bt-list-edit">
            <textarea
              className="input textarea mono"
              aria-label={`List ${current}, one option a line`}
              rows={4}
              placeholder={"red\ngreen\n# a comment"}
              value={lists[current]}
              onChange={(e) => onChange({ ...lists, [current]: e.target.value })}
            />
            <button
              type="button"
              className="link-btn"
              onClick={() => {
                const { [current]: _, ...rest } = lists;
                onChange(rest);
                setSelected(null);
              }}
            >
              Delete __{current}__
            </button>
          </div>
        )}
      </div>
    </details>
  );
}
