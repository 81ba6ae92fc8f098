import { useDeferredValue, useMemo, useState } from "react";
import { lookupSource } from "../../compiler";
import { revealPlace } from "../store/reveal";
import { placeInScope } from "../store/diagnostics";
import type { Scope } from "../store/scope";
import { useEditor, useEditorStore, useUiApi, useUi, useEditorInstance } from "../store/react";
import type { Ui } from "../store/ui";
import { PENDING, type CompiledOutput } from "../engine";
import { Checking } from "./Checking";
import type { Registry, WorkflowDocument } from "../../graph";
import { Icon } from "../kit/icons";
import { JsonView } from "./JsonView";
import { curlSnippet, jsSnippet, localUrlSummary, localUrls, pythonSnippet, requestJson } from "./snippets";

/** The request view's formats: tab label, what a copy is called, and the text. */
const SNIPPETS = {
  json: { tab: "JSON", what: "Request JSON", text: (_: string, input: Record<string, unknown>) => requestJson(input) },
  js: { tab: "JavaScript", what: "JavaScript snippet", text: jsSnippet },
  python: { tab: "Python", what: "Python snippet", text: pythonSnippet },
  curl: { tab: "curl", what: "curl command", text: curlSnippet },
} as const;

async function copyText(ui: Ui, text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    ui.toast(`${what} copied`, "success", 2000);
  } catch {
    ui.toast(`Could not copy: the browser refused clipboard access`, "error");
  }
}

type Format = keyof typeof SNIPPETS;
type Diagnostic = CompiledOutput["diagnostics"][number];

/** Selects a node and focuses its field (the refused-request callout, a picked JSON line). */
/**
 * Request paths set by the selected nodes. The highlight needs the full source map (every request
 * path), which the compiler builds on demand: at 500 nodes that is most of this panel's cost. A
 * keystroke's render shows the new text with the previous highlight; the highlight follows in a
 * render React may defer.
 */
function useHighlight(out: CompiledOutput | undefined, selected: readonly string[], scope: Scope): ReadonlySet<string> {
  const highlightFrom = useDeferredValue(out);
  return useMemo(() => {
    const set = new Set<string>();
    if (!highlightFrom) return set;
    const sel = new Set(selected);
    for (const [path, src] of Object.entries(highlightFrom.sourceMap)) {
      // Inside a component, the selection is of inner nodes: lines they wrote through the entered instance.
      const at = scope.length ? placeInScope(scope, src.nodeId, src.inner)?.nodeId : src.nodeId;
      if (at !== undefined && sel.has(at)) set.add(path);
    }
    return set;
  }, [highlightFrom, selected, scope]);
}

function NoRequest() {
  return (
    <div className="panel-pad">
      <div className="empty-state">
        <div className="empty-title">No request yet</div>
        <div className="empty-sub">
          Add a Sampler output node and wire a model and a prompt into it; its fal request appears here as you edit.
        </div>
      </div>
    </div>
  );
}

/** Why the request would be refused: the first error, a link to its field, and how many more. */
function RefusedCallout({ errors, title }: { errors: readonly Diagnostic[]; title: (id: string) => string }) {
  const editor = useEditorInstance();
  const ui = useUiApi();
  const first = errors[0];
  return (
    <div className="callout error" data-testid="request-refused">
      This request would be refused:{" "}
      {first ? (
        <button
          className="link-btn"
          title="Show the field"
          onClick={() => {
            if (!first.nodeId) return ui.set({ tab: "problems" });
            revealPlace(editor, first);
          }}
        >
          {first.nodeId ? `${title(first.nodeId)}: ` : ""}
          {first.message}
        </button>
      ) : (
        "a node it needs cannot be compiled."
      )}{" "}
      {errors.length > 1 && (
        <button className="link-btn" onClick={() => ui.set({ tab: "problems" })}>
          (+{errors.length - 1} more)
        </button>
      )}
    </div>
  );
}

/** The format tabs and the Copy button. */
function RequestTools(props: {
  format: Format;
  setFormat: (f: Format) => void;
  out: CompiledOutput;
  input: Record<string, unknown>;
}) {
  const { format, setFormat, out, input } = props;
  const ui = useUiApi();
  return (
    <div className="row gap4 req-tools">
      <div className="seg" role="tablist" aria-label="Format">
        {(["json", "js", "python", "curl"] as const).map((f) => (
          <button
            key={f}
            role="tab"
            aria-selected={format === f}
            className={format === f ? "on" : ""}
            onClick={() => setFormat(f)}
          >
            {SNIPPETS[f].tab}
          </button>
        ))}
      </div>
      <span className="grow" />
      <button
        className="btn small"
        disabled={!out.input}
        title={out.input ? undefined : "Fix the errors first: this request would be refused"}
        onClick={() => copyText(ui, SNIPPETS[format].text(out.endpoint, input), SNIPPETS[format].what)}
      >
        <Icon name="copy" size={13} /> Copy
      </button>
    </div>
  );
}

/**
 * Beside Copy: a copied request with stand-in URLs would fail at fal, and JSON cannot carry the
 * comment the code snippets start with, so the note is here for every format.
 */
function LocalUrlNote({ input }: { input: Record<string, unknown> }) {
  const paths = useMemo(() => localUrls(input), [input]);
  if (!paths.length) return null;
  return (
    <div className="callout warning req-local-note" role="note" data-testid="local-url-note">
      <Icon name="alert" size={12} /> {localUrlSummary(paths)}: fal cannot fetch {paths.length === 1 ? "it" : "them"}.
      Copied snippets say so.
    </div>
  );
}

/** The exact request the selected Sampler sends, with two-way highlighting to the nodes that produced it. */
export function RequestPanel() {
  const ui = useUiApi();
  const editor = useEditorInstance();
  const { engine } = editor;
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const selected = useEditor((s) => s.selection.nodes);
  const scope = useEditor((s) => s.scope);
  const chosen = useUi((s) => s.output);
  const result = useEditor((s) => engine.compiledSoon(s.document));
  const [format, setFormat] = useState<Format>("json");

  // Which output to show: the one picked, else a selected Sampler, else the first.
  const out =
    result.outputs.find((o) => o.output === chosen) ??
    result.outputs.find((o) => selected.includes(o.output)) ??
    result.outputs[0];
  const highlight = useHighlight(out, selected, scope);
  const shown = useMemo(() => shownRequest(out, doc, store.registry), [out, doc, store.registry]);
  if (result === PENDING) return <Checking />;
  if (!out) return <NoRequest />;

  const title = (id: string) => {
    const n = doc.nodes.find((x) => x.id === id);
    return n?.label || (n && store.registry.get(n.type)?.title) || id;
  };
  const errors = out.diagnostics.filter((d) => d.severity === "error");
  const { input, problems } = shown!;
  const pick = (path: string) => {
    const src = lookupSource(out.sourceMap, path.split("."));
    if (!src) return ui.toast(`No node is recorded for ${path}`, "info", 2500);
    revealPlace(editor, src, { keepTab: true });
  };

  return (
    <div className="request">
      <div className="req-head">
        {result.outputs.length > 1 && (
          <select
            className="input select"
            aria-label="Output"
            value={out.output}
            onChange={(e) => ui.set({ output: e.target.value })}
          >
            {result.outputs.map((o) => (
              <option key={o.output} value={o.output}>
                {title(o.output)}
              </option>
            ))}
          </select>
        )}
        <div className="endpoint">
          <span className="method">POST</span>
          <code>{out.endpoint}</code>
          <span className={`status ${out.ok ? "ok" : "bad"}`}>
            {out.ok ? "ready" : `${errors.length} error${errors.length === 1 ? "" : "s"}`}
          </span>
        </div>
        {!out.ok && <RefusedCallout errors={errors} title={title} />}
        <RequestTools format={format} setFormat={setFormat} out={out} input={input} />
        <LocalUrlNote input={input} />
      </div>
      <div className="req-body">
        {!out.ok && <div className="req-partial">Partial request, not sendable: failing fields are marked.</div>}
        {format === "json" ? (
          <JsonView value={input} highlight={highlight} problems={problems} onPick={pick} />
        ) : (
          <pre className="code">{SNIPPETS[format].text(out.endpoint, input)}</pre>
        )}
      </div>
      <div className="req-foot">
        Click a line to select the node that set it. Selected nodes' fields are highlighted.
      </div>
    </div>
  );
}

/**
 * What the request view shows: the request, or when it is refused the part the nodes could
 * write, plus each refused top-level field with the value the user typed, marked as a problem.
 */
function shownRequest(
  out: CompiledOutput | undefined,
  doc: WorkflowDocument,
  registry: Registry,
): { input: Record<string, unknown>; problems: ReadonlySet<string> } | undefined {
  if (!out) return undefined;
  const problems = new Set<string>();
  const input: Record<string, unknown> = { ...(out.input ?? out.partial ?? {}) };
  for (const d of out.diagnostics) {
    if (d.path) problems.add(d.path);
    if (d.severity !== "error" || d.path || !d.nodeId || !d.field) continue;
    const node = doc.nodes.find((n) => n.id === d.nodeId);
    const key = node && registry.get(node.type)?.params[d.field]?.request;
    // Paths into lists ("loras[].scale") have no single place in the request to mark.
    if (!key || key.includes("[")) continue;
    if (!(key in input)) input[key] = node.params?.[d.field] ?? null;
    problems.add(key);
  }
  return { input, problems };
}
