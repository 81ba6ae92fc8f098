/** What the Request and Problems tabs say while a big file just opened is still being checked. */
export function Checking() {
  return (
    <div className="panel-pad">
      <div className="empty-state" role="status">
        <div className="empty-title">Checking the pipeline…</div>
        <div className="empty-sub">A big graph is checked in the background; its request and problems appear here.</div>
      </div>
    </div>
  );
}
