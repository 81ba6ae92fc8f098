import { useDeferredValue, useMemo, useState } from "react";
import { lookupSource } from "../../compiler";
import { useEditor, useEditorStore } from "../store/react";
import { ui, useUi } from "../store/ui";
import { compiled } from "../engine";
import { Icon } from "../kit/icons";
import { JsonView } from "./JsonView";
import { curlSnippet, jsSnippet, pythonSnippet, requestJson } from "./snippets";

/** The request view's formats: tab label, what a copy is called, and the text. */
const SNIPPETS = {
  json: { tab: "JSON", what: "Request JSON", text: (_: string, input: Record<string, unknown>) => requestJson(input) },
  js: { tab: "JavaScript", what: "JavaScript snippet", text: jsSnippet },
  python: { tab: "Python", what: "Python snippet", text: pythonSnippet },
  curl: { tab: "curl", what: "curl command", text: curlSnippet },
} as const;

async function copyText(text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    ui.toast(`${what} copied`, "success", 2000);
  } catch {
    ui.toast(`Could not copy: the browser refused clipboard access`, "error");
  }
}

/** The exact request the selected Sampler sends, with two-way highlighting to the nodes that produced it. */
export function RequestPanel() {
  const store = useEditorStore();
  const doc = useEditor((s) => s.document);
  const selected = useEditor((s) => s.selection.nodes);
  const chosen = useUi((s) => s.output);
  const result = compiled(doc, store.registry);
  const [format, setFormat] = useState<keyof typeof SNIPPETS>("json");

  // Which output to show: the one picked, else a selected Sampler, else the first.
  const out =
    result.outputs.find((o) => o.output === chosen) ??
    result.outputs.find((o) => selected.includes(o.output)) ??
    result.outputs[0];

  // The highlight needs the full source map (every request path), which the compiler builds on
  // demand: at 500 nodes that is most of this panel's cost. A keystroke's render shows the new
  // text with the previous highlight; the highlight follows in a render React may defer.
  const highlightFrom = useDeferredValue(out);
  const highlight = useMemo(() => {
    const set = new Set<string>();
    if (!highlightFrom) return set;
    const sel = new Set(selected);
    for (const [path, src] of Object.entries(highlightFrom.sourceMap)) if (sel.has(src.nodeId)) set.add(path);
    return set;
  }, [highlightFrom, selected]);
  const problems = useMemo(
    () => new Set((out?.diagnostics ?? []).map((d) => d.path).filter((p): p is string => !!p)),
    [out],
  );

  if (!out) {
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

  const title = (id: string) => {
    const n = doc.nodes.find((x) => x.id === id);
    return n?.label || (n && store.registry.get(n.type)?.title) || id;
  };
  const errors = out.diagnostics.filter((d) => d.severity === "error");
  const input = out.input ?? {};
  const pick = (path: string) => {
    const src = lookupSource(out.sourceMap, path.split("."));
    if (!src) return ui.toast(`No node is recorded for ${path}`, "info", 2500);
    store.setSelection({ nodes: [src.nodeId], edges: [] });
    ui.focus(src.nodeId, src.field, { keepTab: true });
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
        {!out.ok && (
          <button className="callout error as-button" onClick={() => ui.set({ tab: "problems" })}>
            This request would be refused. {errors[0]?.message}{" "}
            {errors.length > 1 ? `(+${errors.length - 1} more)` : ""}
          </button>
        )}
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
            onClick={() => copyText(SNIPPETS[format].text(out.endpoint, input), SNIPPETS[format].what)}
          >
            <Icon name="copy" size={13} /> Copy
          </button>
        </div>
      </div>
      <div className="req-body">
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
