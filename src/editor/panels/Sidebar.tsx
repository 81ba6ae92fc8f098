import { useEffect, useMemo, useState } from "react";
import { useEditorInstance } from "../store/react";
import { useLibraryNodeTypes } from "../library/components";
import { DND_MIME } from "../flow/useDropHandlers";
import { typeFormat } from "../flow/splice";
import { Icon } from "../kit/icons";
import type { NodeDefinition } from "../../graph";
import { onDemand } from "../lazy";
import { paletteGroups, rememberNodeType } from "./nodeGroups";
import type * as Search from "./search";

// The filter's search is not needed to draw the list: it loads when a filter is first typed, and
// is fetched with the palette once the page is idle (docs/codebase.md#the-first-load).
const search = onDemand((): Promise<typeof Search> => import("./search"));

/** Node catalogue grouped by category; drag an item onto the canvas (or click to add it in view). */
export function Sidebar({ onAdd }: { onAdd(type: string): void }) {
  const editor = useEditorInstance();
  const store = editor.store;
  const [q, setQ] = useState("");
  const [searchReady, setSearchReady] = useState(() => search.current() !== null);
  useEffect(() => {
    if (q && !searchReady)
      void search.load().then(
        () => setSearchReady(true),
        () => undefined,
      );
  }, [q, searchReady]);
  // The workspace library's components, as their own group after the built-in nodes.
  const library = useLibraryNodeTypes(editor);
  const groups = useMemo(() => {
    // Until the search has loaded (a moment after the first key at most), the list stays whole.
    const found = (defs: readonly NodeDefinition[]) => {
      const find = q && searchReady ? search.current()?.searchNodes : undefined;
      return find ? find(defs, q) : defs;
    };
    const list = found(store.registry.list());
    const own = found(library.defs);
    const built = paletteGroups(store.registry, list);
    return own.length ? [...built, { category: own[0].category, defs: own }] : built;
  }, [store, library, q, searchReady]);
  return (
    <aside className="sidebar" aria-label="Node library">
      <div className="side-search">
        <Icon name="search" size={14} />
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="Filter nodes" aria-label="Filter nodes" />
      </div>
      <div className="side-scroll">
        {groups.map((g) => (
          <section key={g.category.name} className="side-group">
            <h3>{g.category.name}</h3>
            {g.defs.map((d) => (
              <div
                key={d.type}
                className="side-item"
                draggable
                role="button"
                tabIndex={0}
                title={`${d.description}\nDrag onto the canvas, or click to add.`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DND_MIME, d.type);
                  e.dataTransfer.setData(typeFormat(d.type), d.type);
                  rememberNodeType(d.type);
                  e.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => (rememberNodeType(d.type), onAdd(d.type))}
                onKeyDown={(e) => e.key === "Enter" && (rememberNodeType(d.type), onAdd(d.type))}
              >
                <span className="dot" style={{ background: d.category.color }} />
                <span className="side-title">{d.title}</span>
              </div>
            ))}
          </section>
        ))}
        {!groups.length && <div className="side-empty">No node matches “{q}”.</div>}
      </div>
      <div className="side-foot">
        <kbd>Space</kbd> or double-click the canvas to search
      </div>
    </aside>
  );
}
