/**
 * A node's title in the light form far out: lines wrap between words, never inside one ("Sched /
 * uler" read as two words), and a word too long for the node ends in an ellipsis instead.
 */
export function FarTitle({ text }: { text: string }) {
  return (
    <div className="far-title">
      {text.split(/(\s+)/).map((w, i) =>
        i % 2 ? (
          w
        ) : (
          <span key={i} className="far-word">
            {w}
          </span>
        ),
      )}
    </div>
  );
}
