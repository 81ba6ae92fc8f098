/**
 * Guided lessons: cards in the template gallery, and the lesson card shown over the canvas once a
 * lesson is open (its explanation and a ready-made sweep). Loaded on demand.
 */
import { useEffect, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useReactFlow } from "@xyflow/react";
import { lessons, type Lesson } from "../../examples/lessons";
import { openTemplate } from "../library/files";
import type { Editor } from "../store";
import { useEditor, useEditorInstance, useEditorStore } from "../store/react";
import { teachUiOf, useTeachUiApi, useTeachUi } from "./state";
import { planSweep } from "./sweepRun";
import "./teach.css";

export async function openLesson(editor: Editor, lesson: Lesson): Promise<boolean> {
  const { store, ui } = editor;
  const ok = await openTemplate(editor, {
    id: lesson.id,
    title: lesson.title,
    document: lesson.document,
  });
  if (!ok) return false;
  teachUiOf(editor).set({ lesson: { id: lesson.id, epoch: store.getState().epoch } });
  // Select what the lesson is about, so the inspector shows its explainer (and picture).
  const ids = new Set(store.getState().document.nodes.map((n) => n.id));
  const focus = lesson.focus.find((id) => ids.has(id));
  if (focus) {
    store.setSelection({ nodes: [focus], edges: [] });
    ui.set({ tab: "inspector" });
  }
  return true;
}

/** The lessons section of the template gallery. */
export function LessonCards({ onOpen }: { onOpen(): void }) {
  const editor = useEditorInstance();
  return (
    <div className="lg-cards lesson-cards" data-testid="lesson-gallery">
      {lessons.map((l, i) => (
        <button
          key={l.id}
          className="lg-card lesson"
          data-testid={`lesson-${l.id}`}
          onClick={async () => {
            onOpen();
            await openLesson(editor, l);
          }}
        >
          <span className="lesson-num">Lesson {i + 1}</span>
          <span className="lg-card-title">{l.title}</span>
          <span className="lg-card-desc">{l.summary}</span>
        </button>
      ))}
    </div>
  );
}

function OnCanvas({ children }: { children: ReactNode }) {
  const [host, setHost] = useState<Element | null>(null);
  useEffect(() => setHost(document.querySelector(".canvas")), []);
  return host ? createPortal(children, host) : null;
}

/** The open lesson's card over the canvas; it disappears when another pipeline is opened. */
export function LessonCard() {
  const teachUi = useTeachUiApi();
  const store = useEditorStore();
  const open = useTeachUi((s) => s.lesson);
  const epoch = useEditor((s) => s.epoch);
  const doc = useEditor((s) => s.document);
  const lesson = open && open.epoch === epoch ? lessons.find((l) => l.id === open.id) : undefined;
  const flow = useReactFlow();
  const shown = lesson ? `${lesson.id}@${epoch}` : null;
  useEffect(() => {
    if (!shown) return;
    // After the canvas has fitted the new pipeline, fit it again beside the card, not under it,
    // unless that makes the nodes too small to read (then the card overlaps; it can be folded).
    const t = setTimeout(async () => {
      const before = flow.getViewport();
      await flow.fitView({ padding: { left: "372px", top: "48px", right: "32px", bottom: "32px" }, maxZoom: 1 });
      if (flow.getZoom() < 0.6) void flow.setViewport(before);
    }, 450);
    return () => clearTimeout(t);
  }, [shown, flow]);
  if (!lesson || !open) return null;
  const plan = (() => {
    try {
      return planSweep(doc, store.registry, lesson.sweep, { jobs: false });
    } catch {
      return null;
    }
  })();
  const count = plan && !plan.errors.length ? plan.requestCount : 0;
  const collapsed = open.collapsed === true;
  return (
    <OnCanvas>
      <aside
        className={`lesson-card ${collapsed ? "collapsed" : ""}`}
        aria-label={`Lesson: ${lesson.title}`}
        data-lesson-card={lesson.id}
      >
        <div className="lesson-head">
          <span className="lesson-num">
            Lesson {lessons.indexOf(lesson) + 1} of {lessons.length}
          </span>
          <span className="grow" />
          <button
            className="icon-btn"
            aria-label={collapsed ? "Expand lesson" : "Collapse lesson"}
            title={collapsed ? "Expand" : "Collapse"}
            onClick={() => teachUi.set({ lesson: { ...open, collapsed: !collapsed } })}
          >
            {collapsed ? "▸" : "▾"}
          </button>
          <button
            className="icon-btn"
            aria-label="Close lesson"
            title="Close"
            onClick={() => teachUi.set({ lesson: null })}
          >
            ×
          </button>
        </div>
        <h3 className="lesson-title">{lesson.title}</h3>
        {!collapsed && (
          <div className="lesson-body">
            {lesson.explanation.split(/\n\s*\n/).map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </div>
        )}
        <div className="lesson-actions">
          <button
            className="btn primary"
            data-lesson-sweep
            disabled={!count}
            title={plan?.errors[0]}
            onClick={() => teachUi.set({ sweepDialog: { spec: lesson.sweep, title: lesson.title } })}
          >
            Run this lesson's sweep{count ? ` (${count} images)` : ""}
          </button>
        </div>
      </aside>
    </OnCanvas>
  );
}
