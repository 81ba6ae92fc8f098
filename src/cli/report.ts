/**
 * Diagnostics as the CLI prints them: one line each for people and grep, or JSON for scripts.
 */
import type { Diagnostic, InnerPlace, LoadIssue, Severity, WorkflowDocument } from "../graph";
import { inline } from "./terminal";

/** A compiler diagnostic or a file-loading issue, with the node's type added for readability. */
export interface CliDiagnostic {
  severity: Severity;
  /** A compiler diagnostic code, a load issue code, or "usage" / "read-error" for the CLI's own. */
  code: string;
  message: string;
  nodeId?: string;
  nodeType?: string;
  field?: string;
  edgeId?: string;
  /** Request path ("loras.1.scale") for compiler diagnostics, JSON path ("$.nodes[2]") for load issues. */
  path?: string;
  /** Inside a component instance: the inner node ids and field (docs/components.md#compiling). */
  inner?: InnerPlace;
}

export function fromDiagnostic(d: Diagnostic, doc?: WorkflowDocument): CliDiagnostic {
  const nodeType = d.nodeId ? doc?.nodes.find((n) => n.id === d.nodeId)?.type : undefined;
  return clean({
    severity: d.severity,
    code: d.code,
    message: d.message,
    nodeId: d.nodeId,
    nodeType,
    field: d.field,
    edgeId: d.edgeId,
    path: d.path,
    inner: d.inner,
  });
}

export function fromLoadIssue(issue: LoadIssue, severity: Severity, doc?: WorkflowDocument): CliDiagnostic {
  const nodeType = issue.nodeId ? doc?.nodes.find((n) => n.id === issue.nodeId)?.type : undefined;
  return clean({
    severity,
    code: issue.code,
    message: issue.message,
    nodeId: issue.nodeId,
    nodeType,
    field: issue.field,
    edgeId: issue.edgeId,
    path: issue.path,
  });
}

function clean(d: CliDiagnostic): CliDiagnostic {
  for (const k of Object.keys(d) as (keyof CliDiagnostic)[]) if (d[k] === undefined) delete d[k];
  return d;
}

/**
 * `error invalid-param node lora_1 (lora) field scale: Scale must be a finite number`.
 * Where no node is known, the edge or path says where instead.
 */
export function formatDiagnostic(d: CliDiagnostic): string {
  let where = "";
  if (d.nodeId !== undefined) where += ` node ${inline(d.nodeId)}${d.nodeType ? ` (${inline(d.nodeType)})` : ""}`;
  if (d.field !== undefined) where += ` field ${inline(d.field)}`;
  if (d.nodeId === undefined && d.edgeId !== undefined) where += ` edge ${inline(d.edgeId)}`;
  if (d.nodeId === undefined && d.field === undefined && d.path !== undefined && d.path !== "$")
    where += ` at ${inline(d.path)}`;
  // One diagnostic, one line, whatever the message holds (ids and labels from the file are in it).
  return `${d.severity} ${inline(d.code)}${where}: ${inline(d.message.replace(/\s*[\r\n]+\s*/g, " "))}`;
}

export const hasError = (ds: readonly CliDiagnostic[]) => ds.some((d) => d.severity === "error");
