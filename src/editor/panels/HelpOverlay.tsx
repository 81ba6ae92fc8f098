import { PORT_KIND_INFO, PORT_KINDS } from "../../graph";
import { Modal } from "../kit/Modal";
import { SHORTCUTS, type Shortcut } from "./shortcutList";
import { useUiApi, useUi } from "../store/react";

const GROUPS: readonly Shortcut["group"][] = ["Add & connect", "Edit", "View", "File & run"];

/** Keys as keycaps; mouse gestures ("double-click", "Shift+drag") as words. */
function Keys({ keys }: { keys: string }) {
  return (
    <>
      {keys.split(" / ").map((k, i) => (
        <span key={k}>
          {i > 0 && <span className="muted"> or </span>}
          {/click|drag|scroll/i.test(k) ? <span className="key-words">{k}</span> : <kbd>{k}</kbd>}
        </span>
      ))}
    </>
  );
}

export function HelpOverlay() {
  const ui = useUiApi();
  const open = useUi((s) => s.help);
  if (!open) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => ui.set({ help: false })} width={780}>
      <div className="help-grid">
        {GROUPS.map((g) => (
          <section key={g} className="help-group">
            <h4 className="section">{g}</h4>
            <table className="keys">
              <tbody>
                {SHORTCUTS.filter((s) => s.group === g).map((s) => (
                  <tr key={s.keys}>
                    <td>
                      <Keys keys={s.keys} />
                    </td>
                    <td>{s.action}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <div className="help-foot">
        <h4 className="section">Wire types</h4>
        <ul className="legend">
          {PORT_KINDS.map((k) => (
            <li key={k} title={PORT_KIND_INFO[k].description}>
              <span className="kind-dot" style={{ background: PORT_KIND_INFO[k].color }} />
              {PORT_KIND_INFO[k].label}
            </li>
          ))}
        </ul>
        <p className="muted small">On a Mac, use ⌘ for Ctrl.</p>
      </div>
    </Modal>
  );
}
