import { useEffect, useMemo, useRef, useState } from "react";
import { explainerOf, PORT_KIND_INFO, type NodeDefinition, type PortKind } from "../../graph";
import { useFlowApi } from "../flow/flowApi";
import { useEditorInstance, useUi } from "../store/react";
import { canvasViewOf } from "../flow/view";
import { placeNewNode } from "../flow/place";
import { Icon } from "../kit/icons";
import { searchNodes } from "./search";
import { recentNodeTypes, rememberNodeType } from "./nodeGroups";
import { addNodeOrSay, nodeTypeFor, useLibraryNodeTypes } from "../library/components";
import "../teach/inline.css";

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The other tool's name the query matched, shown so "KSampler" visibly finds the Sampler. */
function aliasFor(def: NodeDefinition, query: string): string | undefined {
  const q = squash(query);
  return q.length < 3 ? undefined : def.aliases?.find((a) => squash(a).includes(q));
}

/** The add-node search: opened by double-click on the canvas, Space/Tab, or a wire dropped on empty canvas. */
export function Palette() {
  const req = useUi((s) => s.palette);
  if (!req) return null;
  return <PaletteBody key={`${req.screen.x},${req.screen.y}`} />;
}

function PaletteBody() {
  const req = useUi((s) => s.palette)!;
  const editor = useEditorInstance();
  const { store, ui } = editor;
  const flow = useFlowApi();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const wireKind = (req.connectFrom?.kind ?? req.spliceInto?.kind) as PortKind | undefined;
  const wireEnd = req.connectFrom?.handleType ?? (req.spliceInto ? "source" : undefined);
  const wire = useMemo(
    () => (wireKind && wireEnd ? { kind: wireKind, handleType: wireEnd } : undefined),
    [wireKind, wireEnd],
  );
  // Library components sit beside the built-in nodes (library/components.ts).
  const library = useLibraryNodeTypes(editor);
  const [recent] = useState(recentNodeTypes);
  const results = useMemo(
    () => searchNodes([...store.registry.list(), ...library.defs], query, wire, recent),
    [store, library, query, wire, recent],
  );

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => setActive(0), [query]);
  // The arrow keys move the highlight out of the list's view: it follows. (Not the pointer's hover:
  // scrolling under it would move the highlight again.)
  const byKey = useRef(false);
  useEffect(() => {
    if (!byKey.current) return;
    byKey.current = false;
    document.querySelector('#palette-list [aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const close = () => ui.set({ palette: null });
  const choose = (type: string) => {
    const found = nodeTypeFor(editor, type);
    if (!found) return;
    const at = placeNewNode(
      found.def,
      req.flow,
      store.getState().view.nodes,
      canvasViewOf(editor).nodeSizes,
      flow,
      req.connectFrom?.handleType,
    );
    addNodeOrSay(editor, type, at, {
      ...found.options,
      ...(req.connectFrom
        ? { connectFrom: req.connectFrom }
        : req.spliceInto
          ? { spliceInto: req.spliceInto.wireId }
          : {}),
    });
    rememberNodeType(type);
    close();
  };
  // Keep the popover on screen.
  const left = Math.min(req.screen.x, window.innerWidth - 340);
  const top = Math.max(8, Math.min(req.screen.y, window.innerHeight - 560)); // room for the list and the explainer

  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="palette" style={{ left, top }} role="dialog" aria-label="Add node">
        <div className="palette-search">
          <Icon name="search" />
          <input
            ref={inputRef}
            value={query}
            placeholder={wire ? `Nodes that take ${PORT_KIND_INFO[wire.kind].noun}…` : "Search nodes…"}
            aria-label="Search nodes"
            role="combobox"
            aria-expanded="true"
            aria-controls="palette-list"
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") close();
              else if (e.key === "ArrowDown") {
                e.preventDefault();
                byKey.current = true;
                setActive((a) => Math.min(a + 1, results.length - 1));
              } else if (e.key === "ArrowUp") {
                e.preventDefault();
                byKey.current = true;
                setActive((a) => Math.max(a - 1, 0));
              } else if (e.key === "Enter" && results[active]) choose(results[active].type);
              e.stopPropagation();
            }}
          />
        </div>
        {wire && (
          <div className="palette-filter">
            <span className="kind-dot" style={{ background: PORT_KIND_INFO[wire.kind].color }} />
            {wire.handleType === "source" ? "Accepts" : "Produces"} {PORT_KIND_INFO[wire.kind].label}
          </div>
        )}
        <PaletteList
          results={results}
          active={active}
          query={query}
          recent={recent}
          wire={!!wire}
          onHover={setActive}
          onChoose={choose}
        />
        <PaletteExplain found={results[active]} />
      </div>
    </div>
  );
}

type Found = ReturnType<typeof searchNodes>[number];

interface ListProps {
  results: readonly Found[];
  active: number;
  query: string;
  recent: readonly string[];
  /** The palette was opened from a wire (it lists only what accepts it). */
  wire: boolean;
  onHover(i: number): void;
  onChoose(type: string): void;
}

function PaletteList({ results, active, query, recent, wire, onHover, onChoose }: ListProps) {
  return (
    <ul className="palette-list" id="palette-list" role="listbox">
      {results.map((d, i) => (
        <li
          key={d.type}
          role="option"
          aria-selected={i === active}
          className={i === active ? "active" : ""}
          onMouseEnter={() => onHover(i)}
          onMouseDown={(e) => (e.preventDefault(), onChoose(d.type))}
        >
          <span className="dot" style={{ background: d.category.color }} />
          <div className="pl-text">
            <div className="pl-title">
              {d.title} <span className="pl-cat">{d.category.name}</span>
              {!query && recent.includes(d.type) && <span className="pl-recent">recent</span>}
              {aliasFor(d, query) && <span className="pl-alias">as {aliasFor(d, query)}</span>}
            </div>
            <div className="pl-desc">{d.description}</div>
          </div>
        </li>
      ))}
      {!results.length && (
        <li className="empty">
          No node matches “{query}”{wire ? ` and accepts this wire` : ""}.
        </li>
      )}
    </ul>
  );
}

/** The highlighted node's explainer, under the list. */
function PaletteExplain({ found }: { found: Found | undefined }) {
  const explain = found && explainerOf(found);
  if (!found || !explain) return null;
  return (
    <div className="palette-explain" data-palette-explain={found.type} aria-live="polite">
      <div>{explain.summary}</div>
      {explain.mistakes && explain.mistakes.length > 0 && (
        <>
          <div className="pe-head">Common mistakes</div>
          <ul>
            {explain.mistakes.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
