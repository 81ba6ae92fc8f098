/**
 * The preview grid (previewGrid.ts) as a table: every row of the batch before anything is sent,
 * each cell as written, a refused cell marked with its reason, and each row's status.
 */
import { PREVIEW_ROWS } from "./batchRun";
import { rowFaults, type PreviewGrid } from "./previewGrid";

export function PreviewTable({ grid, count }: { grid: PreviewGrid; count: number }) {
  if (grid.rows.length === 0) return null;
  const shown = grid.rows.slice(0, PREVIEW_ROWS);
  const drawn = shown.some((r) => r.drawn);
  const bad = grid.rows.filter((r) => rowFaults(r).length).length;
  return (
    <div className="bt-preview" data-batch-preview data-batch-bad={bad}>
      <table>
        <thead>
          <tr>
            <th>#</th>
            {grid.columns.map((c) => (
              <th
                key={c}
                className={`mono ${grid.badColumns[c] ? "bad-cell" : ""}`}
                data-batch-column={c}
                title={grid.badColumns[c]}
              >
                {c}
              </th>
            ))}
            {(drawn || grid.columns.length === 0) && <th>{grid.columns.length ? "Drawn" : "Values"}</th>}
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const faults = rowFaults(r);
            return (
              <tr key={r.n} className={faults.length ? "bad" : ""} data-batch-row={r.n}>
                <td className="num">{r.n}</td>
                {grid.columns.map((c) => (
                  <td
                    key={c}
                    className={`vals ${r.bad[c] ? "bad-cell" : ""}`}
                    data-batch-cell={c}
                    title={r.bad[c]}
                    aria-invalid={r.bad[c] ? true : undefined}
                  >
                    {r.cells[c] || <span className="muted">(kept)</span>}
                  </td>
                ))}
                {(drawn || grid.columns.length === 0) && (
                  <td className="vals">{r.drawn || <span className="muted">(the pipeline as is)</span>}</td>
                )}
                <td className="st" data-batch-status>
                  {faults.length
                    ? faults.map((f, i) => <div key={i}>{f}</div>)
                    : `ready${r.runs > 1 || count > 1 ? ` · ${r.runs} runs` : ""}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {grid.rows.length > shown.length && (
        <p className="muted small">… and {grid.rows.length - shown.length} more rows</p>
      )}
    </div>
  );
}
