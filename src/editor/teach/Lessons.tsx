/**
 * Guided lessons: cards in the template gallery, and the lesson card shown over the canvas once a
 * lesson is open (its explanation and a ready-made sweep). Loaded on demand.
 */
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
  type ReactNode,
  type RefObject,
} from "react";
import { createPortal } from "react-dom";
import { lessons, type Lesson } from "../../examples/lessons";
import { openTemplate } from "../library/fileActions";
import type { Editor } from "../store";
import { useEditor, useEditorInstance, useEditorStore } from "../store/react";
import { teachUiOf, useTeachUiApi, useTeachUi, type TeachUiState } from "./state";
import type { UiStore } from "../store/uiStore";
import { planSweep } from "./sweepRun";
import { whenDocumentSettled } from "../store/settleNext";
import { fitCanvasBeside } from "../store/canvasFit";
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
 * kept with the lesson (teach/lessonMemory.ts), at once: it never waits on the fit
 * (docs/canvas.md#the-lesson-card).
 */
function placeCard(card: HTMLElement | null, teachUi: UiStore<TeachUiState>, editor: Editor) {
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
  // Where the user dragged it stays theirs (kept inside the canvas, which may have shrunk since).
  if (open.moved && open.at) return keepCard(teachUi, open, inside(open.at, c, k));
  const at = [...(open.at ? [open.at] : []), ...corners].find(free);
  keepCard(teachUi, open, at ?? corners[0]);
  // The canvas's own fit, told where the card goes: it is not drawn there yet.
  if (!at) fitCanvasBeside(editor, { x: c.x + corners[0].x, y: c.y + corners[0].y, width: k.width, height: k.height });
}

/** Records where the card of `open` sits, unless another lesson or pipeline came meanwhile. */
function keepCard(teachUi: UiStore<TeachUiState>, open: NonNullable<TeachUiState["lesson"]>, at: Spot, moved = false) {
  const now = teachUi.get().lesson;
  if (now?.id === open.id && now.epoch === open.epoch)
    teachUi.set({ lesson: { ...now, at, ...(moved ? { moved: true } : {}) } });
}

/** `at` moved so a card of size `k` lies inside a canvas of size `c`. */
function inside(at: Spot, c: { width: number; height: number }, k: { width: number; height: number }): Spot {
  return {
    x: Math.round(Math.max(0, Math.min(at.x, c.width - k.width))),
    y: Math.round(Math.max(0, Math.min(at.y, c.height - k.height))),
  };
}

/**
 * Dragging the card by its head (not its buttons), as any floating panel: drawn where the pointer
 * takes it, kept (and so restored on reload) where it is let go.
 */
function useCardDrag(ref: RefObject<HTMLElement | null>, teachUi: UiStore<TeachUiState>) {
  const grab = useRef<{ dx: number; dy: number } | null>(null);
  const [at, setAt] = useState<Spot | null>(null);
  const spot = (e: ReactPointerEvent) => {
    const card = ref.current!;
    const c = card.parentElement!.getBoundingClientRect();
    const k = card.getBoundingClientRect();
    return inside({ x: e.clientX - c.x - grab.current!.dx, y: e.clientY - c.y - grab.current!.dy }, c, k);
  };
  return {
    at,
    onPointerDown(e: ReactPointerEvent<HTMLElement>) {
      if (e.button !== 0 || (e.target as Element).closest("button") || !ref.current) return;
      const k = ref.current.getBoundingClientRect();
      grab.current = { dx: e.clientX - k.x, dy: e.clientY - k.y };
      e.currentTarget.setPointerCapture(e.pointerId);
      e.preventDefault();
    },
    onPointerMove(e: ReactPointerEvent<HTMLElement>) {
      if (grab.current) setAt(spot(e));
    },
    onPointerUp(e: ReactPointerEvent<HTMLElement>) {
      if (!grab.current) return;
      const to = spot(e);
      grab.current = null;
      setAt(null);
      const open = teachUi.get().lesson;
      if (open) keepCard(teachUi, open, to, true);
    },
  };
}

/** The open lesson's card over the canvas; it disappears when another pipeline is opened. */
export function LessonCard() {
  const teachUi = useTeachUiApi();
  const store = useEditorStore();
  const open = useTeachUi((s) => s.lesson);
  const epoch = useEditor((s) => s.epoch);
  const doc = useEditor((s) => s.document);
  const lesson = open && open.epoch === epoch ? lessons.find((l) => l.id === open.id) : undefined;
  const shown = lesson ? `${lesson.id}@${epoch}` : null;
  const ref = useRef<HTMLElement | null>(null);
  // The card is drawn a render after it mounts (OnCanvas finds the canvas first): placed once it is there.
  const [drawn, setDrawn] = useState<HTMLElement | null>(null);
  const cardRef = useCallback((el: HTMLElement | null) => {
    ref.current = el;
    setDrawn(el);
  }, []);
  const drag = useCardDrag(ref, teachUi);
  const editor = useEditorInstance();
  useEffect(() => {
    if (!shown || !drawn) return;
    // Once the lesson's nodes are placed (moved clear of each other if they drew taller) and the
    // view rests on them after the fit and any refit, or on its restored view after a reload.
    return whenDocumentSettled(editor, epoch, () => placeCard(drawn, teachUi, editor));
  }, [shown, drawn, epoch, editor, teachUi]);
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
        ref={cardRef}
        style={(drag.at ?? open.at) ? { left: (drag.at ?? open.at)!.x, top: (drag.at ?? open.at)!.y } : undefined}
        className={`lesson-card ${collapsed ? "collapsed" : ""}`}
        // Placed, it is kept clear of every fit, a refit on resize too (flow/fit.ts CANVAS_RESERVE).
        data-canvas-reserve={open.at ? "" : undefined}
        aria-label={`Lesson: ${lesson.title}`}
        data-lesson-card={lesson.id}
      >
        <div
          className="lesson-head"
          title="Drag to move the lesson"
          onPointerDown={drag.onPointerDown}
          onPointerMove={drag.onPointerMove}
          onPointerUp={drag.onPointerUp}
          onPointerCancel={drag.onPointerUp}
        >
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
