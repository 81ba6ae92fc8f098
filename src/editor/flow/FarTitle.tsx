import { textPieces } from "./textPieces";

/**
 * Far out, a node's title and key value are written in type readable on screen, in a node only a
 * few words wide. Lines wrap between words and after a separator inside a file name ("/", "_",
 * "-", "."), never between two letters ("Sched / uler", "castl / e_v2"); a piece too long for the
 * node ends in an ellipsis instead (.far-word in styles.css).
 */
function FarText({ text, className }: { text: string; className: string }) {
  return (
    <div className={className}>
      {text.split(/(\s+)/).map((w, i) =>
        i % 2
          ? w
          : // Between two pieces of one word the line may break, and nowhere else inside it.
            textPieces(w).map((p, j) => (
              <span key={`${i}.${j}`} className="far-word">
                {p}
              </span>
            )),
      )}
    </div>
  );
}

/** A node's title in the light form far out. */
export const FarTitle = ({ text }: { text: string }) => <FarText text={text} className="far-title" />;

/** A node's key value under its title far out: "castle_v2.safetensors · 0.8". */
export const FarGlance = ({ text }: { text: string }) => <FarText text={text} className="far-glance" />;
