import { memo, useCallback, useRef, type ReactNode } from "react";

interface Props {
  value: unknown;
  /** Paths ("loras.1.scale") to highlight. */
  highlight: ReadonlySet<string>;
  /** Paths with a diagnostic. */
  problems: ReadonlySet<string>;
  onPick(path: string): void;
}

type Pick = (path: string) => void;

interface Branch {
  value: unknown;
  path: string;
  depth: number;
  k: string | number | null;
  comma: boolean;
  /** JSON of `value`: equal text, equal lines, so the branch can skip rendering. */
  sig: string;
  /** The highlight and problem paths that concern this branch, joined: the rest cannot change it. */
  marks: string;
  highlight: ReadonlySet<string>;
  problems: ReadonlySet<string>;
  onPick: Pick;
}

/** Branches at these depths are memoised: a keystroke re-renders one LoRA's lines, not 3,000. */
const MEMO_DEPTH = 2;

const within = (p: string, path: string) => !path || p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`);
function marksFor(path: string, highlight: ReadonlySet<string>, problems: ReadonlySet<string>): string {
  let m = "";
  for (const h of highlight) if (within(h, path)) m += `h${h}|`;
  for (const p of problems) if (within(p, path)) m += `p${p}|`;
  return m;
}

function lines(b: Omit<Branch, "sig" | "marks">): ReactNode[] {
  const out: ReactNode[] = [];
  const { highlight, problems, onPick } = b;
  const push = (path: string, depth: number, content: ReactNode, clickable: boolean, key: string) => {
    let hl = highlight.has(path);
    if (!hl) for (const h of highlight) if (path.startsWith(`${h}.`)) hl = true;
    out.push(
      <div
        key={key}
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
  const key = (k: string | number | null) =>
    k === null || typeof k === "number" ? null : <span className="jk">{JSON.stringify(k)}: </span>;

  function walk(v: unknown, path: string, depth: number, k: string | number | null, comma: boolean) {
    const tail = comma ? "," : "";
    if (Array.isArray(v) || (v && typeof v === "object")) {
      const entries: [string | number, unknown][] = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : Object.entries(v as object);
      const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
      if (!entries.length)
        return push(
          path,
          depth,
          <>
            {key(k)}
            {open + close + tail}
          </>,
          !!path,
          `${path}#`,
        );
      push(
        path,
        depth,
        <>
          {key(k)}
          {open}
        </>,
        !!path,
        `${path}{`,
      );
      entries.forEach(([ck, cv], i) => {
        const childPath = path ? `${path}.${ck}` : String(ck);
        const childComma = i < entries.length - 1;
        if (depth + 1 <= MEMO_DEPTH && cv && typeof cv === "object") {
          out.push(
            <MemoBranch
              key={childPath}
              value={cv}
              path={childPath}
              depth={depth + 1}
              k={ck}
              comma={childComma}
              sig={JSON.stringify(cv)}
              marks={marksFor(childPath, highlight, problems)}
              highlight={highlight}
              problems={problems}
              onPick={onPick}
            />,
          );
        } else walk(cv, childPath, depth + 1, ck, childComma);
      });
      push(path, depth, <>{close + tail}</>, false, `${path}}`);
      return;
    }
    push(
      path,
      depth,
      <>
        {key(k)}
        {scalar(v)}
        {tail}
      </>,
      true,
      `${path}=`,
    );
  }
  walk(b.value, b.path, b.depth, b.k, b.comma);
  return out;
}

const MemoBranch = memo(
  function Branch(b: Branch) {
    return <>{lines(b)}</>;
  },
  (a, b) =>
    a.sig === b.sig &&
    a.marks === b.marks &&
    a.comma === b.comma &&
    a.depth === b.depth &&
    a.k === b.k &&
    a.onPick === b.onPick,
);

/** Pretty-printed JSON where every line knows its request path, so a click can find the node that wrote it. */
export const JsonView = memo(function JsonView({ value, highlight, problems, onPick }: Props) {
  // A stable callback, so memoised branches are not invalidated by a new closure on every render.
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  const pick = useCallback((path: string) => pickRef.current(path), []);
  return (
    <div className="json" role="tree" aria-label="Request JSON">
      {lines({ value, path: "", depth: 0, k: null, comma: false, highlight, problems, onPick: pick })}
    </div>
  );
});
