/**
 * The Templates dialog: the guided lessons, then the example pipelines. It lives with the lessons
 * (above the files dialogs it sits beside), and TeachMount loads it the first time it opens, with
 * the lessons' workflows and text.
 */
import { examples } from "../../examples";
import { Modal } from "../kit/Modal";
import { useEditorInstance } from "../store/react";
import { useFilesUi, useFilesUiApi } from "../library/files";
import { openTemplate } from "../library/fileActions";
import { LessonCards } from "./Lessons";

export default function Templates() {
  const filesUi = useFilesUiApi();
  const open = useFilesUi((s) => s.gallery);
  const editor = useEditorInstance();
  const store = editor.store;
  if (!open) return null;
  const close = () => filesUi.set({ gallery: false });
  return (
    <Modal title="Templates" onClose={close} width={860}>
      <p className="muted">
        Start from an example pipeline. Your current pipeline stays recoverable under Library › Recover drafts.
      </p>
      <h4 className="section">Lessons</h4>
      <p className="muted small">
        Guided: each opens a small pipeline with a short explanation and a ready-made sweep that shows one idea at a
        fixed seed.
      </p>
      <LessonCards onOpen={close} />
      <h4 className="section">Examples</h4>
      <div className="lg-cards" data-testid="template-gallery">
        {examples.map((ex) => {
          const types = [...new Set(ex.document.nodes.map((n) => store.registry.get(n.type)?.title ?? n.type))].filter(
            (t) => t !== "Note",
          );
          return (
            <button
              key={ex.id}
              className="lg-card"
              data-testid={`template-${ex.id}`}
              onClick={async () => {
                close();
                await openTemplate(editor, ex);
              }}
            >
              <span className="lg-card-title">{ex.title}</span>
              <span className="lg-card-desc">{ex.description}</span>
              <span className="lg-card-meta">
                {ex.document.nodes.length} nodes · {types.slice(0, 5).join(", ")}
                {types.length > 5 ? "…" : ""}
              </span>
            </button>
          );
        })}
      </div>
    </Modal>
  );
}
