/**
 * Mount point of the teaching windows (sweep dialog and results, compare, the lesson card, the
 * Templates dialog with its lessons, the sweep progress chip). Always mounted and tiny: each
 * window's code loads the first time it opens.
 */
import { lazy, Suspense } from "react";
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
  return (
    <Suspense fallback={null}>
      {templates && <Templates />}
      {lesson && <LessonCard />}
      {started && <SweepChip />}
      {dialog && <SweepDialog />}
      {results && <SweepResults />}
      {compare && <Compare />}
    </Suspense>
  );
}
