/**
 * Mount point of the teaching windows (sweep dialog and results, compare, the lesson card, the
 * Templates dialog with its lessons, the sweep progress chip). Always mounted and tiny: each
 * window's code loads the first time it opens.
 */
import { lazy, Suspense, type ReactNode } from "react";
import { lazyPart, whenIdle } from "../lazy";
import { useTeachUi } from "./state";
import { useRunUi } from "../run/actions";
import { useEditorInstance } from "../store/react";
import { useLessonMemory } from "./lessonMemory";
import { useFilesUi } from "../library/files";

const SweepDialog = lazy(() => import("./SweepDialog"));
const SweepResults = lazy(() => import("./SweepResults"));
const SweepChip = lazy(() => import("./SweepChip"));
const Compare = lazy(() => import("./Compare"));
// Templates should open at once: its code (with the lessons) is fetched once the page is idle.
const Templates = lazyPart(() => import("./Templates"));
whenIdle(() => Templates.preload());
const LessonCard = lazy(() => import("./Lessons").then((m) => ({ default: m.LessonCard })));

export function TeachMount() {
  const dialog = useTeachUi((s) => s.sweepDialog !== null);
  const results = useTeachUi((s) => s.sweepResults);
  const started = useTeachUi((s) => s.sweepStarted);
  const compare = useRunUi((s) => s.compare !== null);
  const lesson = useTeachUi((s) => s.lesson !== null);
  useLessonMemory(useEditorInstance());
  const templates = useFilesUi((s) => s.gallery);
  // A boundary each: in one shared boundary, a window whose code is still loading (the sweep chip)
  // hid the others already open (display: none) until it came, and the open dialog lost its focus.
  const part = (on: boolean, el: ReactNode) => on && <Suspense fallback={null}>{el}</Suspense>;
  return (
    <>
      {part(templates, <Templates />)}
      {part(lesson, <LessonCard />)}
      {part(started, <SweepChip />)}
      {part(dialog, <SweepDialog />)}
      {part(results, <SweepResults />)}
      {part(compare, <Compare />)}
    </>
  );
}
