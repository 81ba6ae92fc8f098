/**
 * The "model-file" node view (src/graph/views.ts): what the header of the file a node's
 * `family: "match"` param points to says: family, rank and alpha, trigger words as chips that
 * insert into the prompt when clicked (never by themselves), and the file's thumbnail, drawn as
 * an image from a checked data: URL and never as markup. The facts the compiler needs are kept
 * on the node (`fileInfo`), so a family mismatch is refused before anything is sent.
 */
import { useEffect, useState } from "react";
import { FAMILY_LABELS, fileFactsOf, type FileFacts } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { nodeById } from "../store/nodeIndex";
import type { NodeViewProps } from "../kit/nodeView";
import { factsOf, fileHeader, type HeaderRead } from "./headers";
import { hasWord, insertTrigger, promptFor } from "./triggers";
import "./files.css";

/** How long a path must stay unchanged before its header is read. */
const READ_AFTER_MS = 300;

/** Chips shown before "+N more". */
const FIRST_CHIPS = 6;

type Reading = { url: string; read: HeaderRead | null };

/** The header of `url`, read once per editor; null while it is being read. */
function useHeader(url: string | undefined): HeaderRead | null | undefined {
  const editor = useEditorInstance();
  const [state, setState] = useState<Reading | undefined>();
  useEffect(() => {
    if (!url) return;
    let live = true;
    setState({ url, read: null });
    // While a path is being typed each keystroke is a new URL: read only once it rests, so
    // "owner/r", "owner/re", … do not each ask Hugging Face.
    const timer = setTimeout(
      () => void fileHeader(editor, url).then((read) => live && setState({ url, read })),
      READ_AFTER_MS,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [editor, url]);
  return url && state?.url === url ? state.read : undefined;
}

export function ModelFileView({ nodeId, params }: NodeViewProps) {
  const editor = useEditorInstance();
  const node = useEditor((s) => nodeById(s.document.nodes, nodeId));
  const def = node && editor.registry.get(node.type);
  const key = def && Object.keys(def.params).find((k) => def.params[k].family === "match");
  const url = key && typeof params[key] === "string" && params[key] ? (params[key] as string) : undefined;
  const read = useHeader(url);
  const kept = node && key ? fileFactsOf(node, key) : undefined;

  // The compiler reads the family from the node: keep what the header said there.
  useEffect(() => {
    if (key && url && read?.ok) editor.store.setFileInfo(nodeId, key, factsOf(url, read));
  }, [editor, nodeId, key, url, read]);

  if (!url || !def) return null;
  const facts: FileFacts | undefined = read?.ok ? factsOf(url, read) : kept;
  return (
    <div className="mfile nodrag" data-testid="model-file">
      {facts ? (
        <FactsRow facts={facts} thumbnail={read?.ok ? read.thumbnail?.url : undefined} />
      ) : read === null ? (
        <div className="mfile-note">Reading the file’s header…</div>
      ) : read && !read.ok ? (
        <div className="mfile-note" title={read.error}>
          Header not read: {read.error}
        </div>
      ) : null}
      {facts?.triggerWords?.length ? <TriggerChips nodeId={nodeId} words={facts.triggerWords} /> : null}
    </div>
  );
}

function FactsRow({ facts, thumbnail }: { facts: FileFacts; thumbnail?: string }) {
  const source = facts.familySource ? `from ${facts.familySource}` : "the file does not say";
  return (
    <div className="mfile-row">
      {thumbnail && <img className="mfile-thumb" src={thumbnail} alt="" draggable={false} />}
      <div className="mfile-facts">
        <span
          className={`mfile-family fam-${facts.family}`}
          title={`Model family: ${FAMILY_LABELS[facts.family]} (${source})`}
          data-testid="model-family"
        >
          {facts.family === "unknown" ? "Family unknown" : FAMILY_LABELS[facts.family]}
        </span>
        {(facts.rank !== undefined || facts.alpha !== undefined) && (
          <span className="mfile-rank" data-testid="model-rank">
            {facts.rank !== undefined && <>rank {facts.rank}</>}
            {facts.rank !== undefined && facts.alpha !== undefined && " · "}
            {facts.alpha !== undefined && <>alpha {facts.alpha}</>}
          </span>
        )}
        {facts.title && (
          <span className="mfile-title" title={facts.title}>
            {facts.title}
          </span>
        )}
      </div>
    </div>
  );
}

function TriggerChips({ nodeId, words }: { nodeId: string; words: string[] }) {
  const editor = useEditorInstance();
  const [all, setAll] = useState(false);
  // The prompt's text, to mark the words already in it.
  const prompt = useEditor((s) => {
    const at = promptFor(editor, nodeId);
    const n = at && nodeById(s.document.nodes, at.nodeId);
    const v = n && at ? n.params[at.field] : undefined;
    return typeof v === "string" ? v : "";
  });
  const shown = all ? words : words.slice(0, FIRST_CHIPS);
  return (
    <div className="mfile-chips" aria-label="Trigger words: click one to add it to the prompt">
      {shown.map((w) => {
        const inPrompt = hasWord(prompt, w);
        return (
          <button
            key={w}
            type="button"
            className={`mfile-chip ${inPrompt ? "in" : ""}`}
            title={inPrompt ? `“${w}” is in the prompt` : `Add “${w}” to the prompt`}
            aria-pressed={inPrompt}
            onClick={() => {
              if (!insertTrigger(editor, nodeId, w))
                editor.ui.toast("Add a Prompt node to put trigger words in", "info");
            }}
          >
            {inPrompt ? "✓ " : "+ "}
            {w}
          </button>
        );
      })}
      {words.length > FIRST_CHIPS && (
        <button type="button" className="mfile-more" onClick={() => setAll(!all)}>
          {all ? "fewer" : `+${words.length - FIRST_CHIPS} more`}
        </button>
      )}
    </div>
  );
}
