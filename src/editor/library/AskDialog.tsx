/** The in-app question (persistence/boot.ts `ask`), loaded when the first one is asked (FilesUi.tsx). */
import { Modal } from "../kit/Modal";
import type { PendingAsk } from "../persistence/boot";

export default function AskDialog({ ask }: { ask: PendingAsk }) {
  const { request, resolve } = ask;
  return (
    <Modal title={request.title} onClose={() => resolve(null)} width={460}>
      <div data-testid="confirm-dialog">
        <p>{request.message}</p>
        <div className="modal-foot">
          {request.actions.map((a) => (
            <button
              key={a.id}
              className={`btn ${a.kind === "primary" ? "primary" : a.kind === "danger" ? "danger" : ""}`}
              data-testid={`confirm-${a.id}`}
              onClick={() => resolve(a.id === "cancel" ? null : a.id)}
            >
              {a.label}
            </button>
          ))}
        </div>
      </div>
    </Modal>
  );
}
