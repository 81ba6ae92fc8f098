import { Suspense } from "react";
import { lazyPart, whenIdle } from "../lazy";
import { useUiStore } from "../store/uiStore";
import { useImportReportApi } from "./report";

// The report's view loads with the first import that has one, fetched once the page is idle
// (docs/codebase.md#the-first-load).
const ImportReport = lazyPart(() => import("./ImportReport"));
whenIdle(() => void ImportReport.preload().catch(() => undefined));

/**
 * What the last import could not map or still needs (./ImportReport.tsx). Stays until dismissed
 * or the next import.
 */
export function ImportReportPanel() {
  const report = useUiStore(useImportReportApi(), (s) => s.report);
  if (!report) return null;
  return (
    <Suspense fallback={null}>
      <ImportReport report={report} />
    </Suspense>
  );
}
