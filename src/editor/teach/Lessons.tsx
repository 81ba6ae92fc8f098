/**
 * Guided lessons: cards in the template gallery, and the lesson card shown over the canvas once a
 * lesson is open (its explanation and a ready-made sweep). Loaded on demand.
 */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useReactFlow, type ReactFlowInstance } from "@xyflow/react";
import { lessons, type Lesson } from "../../examples/lessons";
import { openTemplate } from "../library/files";
import type { Editor } from "../store";
import { useEditor, useEditorInstance, useEditorStore } from "../store/react";
import { teachUiOf, useTeachUiApi, useTeachUi, type TeachUiState } from "./state";
import type { UiStore } from "../store/uiStore";
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

type Spot = { x: number; y: number };
const MARGIN = 12;

/**
 * Puts the lesson card where it covers no node: where it was (after a reload), else the first
 * free corner of the canvas; with none free, the view is fitted beside the card. The place is
 * kept with the lesson (teach/lessonMemory.ts).
 */
async function placeCard(card: HTMLElement | null, teachUi: UiStore<TeachUiState>, flow: ReactFlowInstance) {
  const canvas = card?.parentElement;
  const open = teachUi.get().lesson;
  if (!card || !canvas || !open) return;
  const c = canvas.getBoundingClientRect();
  const k = card.getBoundingClientRect();
  // The minimap and the zoom buttons are in the bottom corners; the autosave chip is top left.
  const blockers = [...document.querySelectorAll(".react-flow__node, .react-flow__minimap, .react-flow__controls")].map(
    (el) => el.getBoundingClientRect(),
  );
  const free = (s: Spot) =>
    s.x >= 0 &&
    s.y >= 0 &&
    s.x + k.width <= c.width &&
    s.y + k.height <= c.height &&
    !blockers.some(
      (b) =>
        c.x + s.x < b.right && b.left < c.x + s.x + k.width && c.y + s.y < b.bottom && b.top < c.y + s.y + k.height,
    );
  const corners: Spot[] = [
    { x: MARGIN, y: 40 },
    { x: c.width - k.width - MARGIN, y: 40 },
    { x: MARGIN, y: c.height - k.height - MARGIN },
    { x: c.width - k.width - MARGIN, y: c.height - k.height - MARGIN },
  ];
  let at = [...(open.at ? [open.at] : []), ...corners].find(free);
  if (!at) {
    at = corners[0];
    await flow.fitView({
      padding: { left: `${k.width + 2 * MARGIN}px`, top: "48px", right: "32px", bottom: "32px" },
      maxZoom: 1,
    });
  }
  const now = teachUi.get().lesson;
  if (now?.id === open.id && now.epoch === open.epoch) teachUi.set({ lesson: { ...now, at } });
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
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!shown) return;
    // After the canvas has fitted the new pipeline (or restored its view after a reload).
    const t = setTimeout(() => void placeCard(ref.current, teachUi, flow), 450);
    return () => clearTimeout(t);
  }, [shown, flow, teachUi]);
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
        ref={ref}
        style={open.at ? { left: open.at.x, top: open.at.y } : undefined}
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
