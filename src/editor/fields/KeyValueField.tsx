import { useEffect, useState } from "react";
import type { FieldProps } from "./types";

type Row = { key: string; text: string };

const toText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
/** Values are JSON where they parse (numbers, lists, nested objects), else plain text. */
const fromText = (t: string): unknown => {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
};

export function KeyValueField({ value, onChange, id }: FieldProps<Record<string, unknown>>) {
  const [rows, setRows] = useState<Row[]>(() =>
    Object.entries(value ?? {}).map(([key, v]) => ({ key, text: toText(v) })),
  );
  useEffect(() => {
    // Adopt outside changes (undo, paste) but keep rows the user is still filling in.
    setRows((cur) => {
      const committed = Object.fromEntries(cur.filter((r) => r.key).map((r) => [r.key, fromText(r.text)]));
      if (JSON.stringify(committed) === JSON.stringify(value ?? {})) return cur;
      return Object.entries(value ?? {}).map(([key, v]) => ({ key, text: toText(v) }));
    });
  }, [value]);

  function commit(next: Row[]) {
    setRows(next);
    const filled = next.filter((r) => r.key.trim());
    if (!filled.length) return onChange(undefined);
    // Object.fromEntries on an own-keys list: a "__proto__" key becomes a plain own property.
    onChange(Object.fromEntries(filled.map((r) => [r.key.trim(), fromText(r.text)])));
  }

  const dupes = new Set(rows.map((r) => r.key.trim()).filter((k, i, all) => k && all.indexOf(k) !== i));
  return (
    <div className="col gap4 kv" id={id}>
      {rows.map((r, i) => (
        <div className="row gap4" key={i}>
          <input
            className="input mono kv-key"
            aria-label={`Key ${i + 1}`}
            aria-invalid={dupes.has(r.key.trim()) || undefined}
            placeholder="key"
            value={r.key}
            onChange={(e) => commit(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
          />
          <input
            className="input mono"
            aria-label={`Value ${i + 1}`}
            placeholder="value (JSON)"
            value={r.text}
            onChange={(e) => commit(rows.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
          />
          <button
            type="button"
            className="icon-btn"
            aria-label={`Remove row ${i + 1}`}
            onClick={() => commit(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      {dupes.size > 0 && <span className="field-msg error">Duplicate key: {[...dupes].join(", ")}</span>}
      <button type="button" className="link-btn" onClick={() => setRows([...rows, { key: "", text: "" }])}>
        + Add entry
      </button>
    </div>
  );
}
