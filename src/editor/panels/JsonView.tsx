import { memo, type ReactNode } from "react";

interface Props {
  value: unknown;
  /** Paths ("loras.1.scale") to highlight. */
  highlight: ReadonlySet<string>;
  /** Paths with a diagnostic. */
  problems: ReadonlySet<string>;
  onPick(path: string): void;
}

/** Pretty-printed JSON where every line knows its request path, so a click can find the node that wrote it. */
export const JsonView = memo(function JsonView({ value, highlight, problems, onPick }: Props) {
  const lines: ReactNode[] = [];
  const push = (path: string, depth: number, content: ReactNode, clickable: boolean) => {
    const hl = highlight.has(path) || [...highlight].some((h) => path.startsWith(`${h}.`));
    lines.push(
      <div
        key={lines.length}
        className={`jl ${hl ? "hl" : ""} ${problems.has(path) ? "bad" : ""} ${clickable ? "click" : ""}`}
        style={{ paddingLeft: 12 + depth * 14 }}
        data-path={path || undefined}
        onClick={clickable ? () => onPick(path) : undefined}
        title={clickable ? `${path}: click to select the node that set it` : undefined}
      >
        {content}
      </div>,
    );
  };
  const scalar = (v: unknown) => <span className={`jv ${v === null ? "null" : typeof v}`}>{JSON.stringify(v)}</span>;
  const key = (k: string | number | null) => (k === null || typeof k === "number" ? null : <span className="jk">{JSON.stringify(k)}: </span>);

  function walk(v: unknown, path: string, depth: number, k: string | number | null, comma: boolean) {
    const tail = comma ? "," : "";
    if (Array.isArray(v) || (v && typeof v === "object")) {
      const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v as object);
      const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
      if (!entries.length) return push(path, depth, <>{key(k)}{open + close + tail}</>, !!path);
      push(path, depth, <>{key(k)}{open}</>, !!path);
      entries.forEach(([ck, cv], i) => walk(cv, path ? `${path}.${ck}` : String(ck), depth + 1, ck, i < entries.length - 1));
      push(path, depth, <>{close + tail}</>, false);
      return;
    }
    push(path, depth, <>{key(k)}{scalar(v)}{tail}</>, true);
  }
  walk(value, "", 0, null, false);
  return <div className="json" role="tree" aria-label="Request JSON">{lines}</div>;
});
