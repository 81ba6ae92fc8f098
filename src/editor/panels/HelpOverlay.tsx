import { PORT_KIND_INFO, PORT_KINDS } from "../../graph";
import { Modal } from "../kit/Modal";
import { SHORTCUTS } from "../shortcuts";
import { ui, useUi } from "../store/ui";

export function HelpOverlay() {
  const open = useUi((s) => s.help);
  if (!open) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => ui.set({ help: false })} width={620}>
      <div className="help-grid">
        <table className="keys">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <td>
                  {s.keys.split(" / ").map((k, i) => (
                    <span key={k}>
                      {i > 0 && <span className="muted"> or </span>}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{s.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div>
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
      </div>
    </Modal>
  );
}
