// The editor store's commands that edit inside nodes (params, bypass, label, folding) and the
// document's meta; createEditorStore.ts hands them to the store.
import type { FileFacts, WorkflowDocument } from "../../graph";
import { findNode, type StoreContext } from "./commands";

export function setParam(ctx: StoreContext, nodeId: string, key: string, value: unknown): void {
  ctx.history.commit(
    "Edit",
    (d) => {
      const n = findNode(ctx, d, nodeId);
      if (!n) return;
      if (value === undefined) delete n.params[key];
      else n.params[key] = value as never;
    },
    { coalesceKey: `param:${nodeId}:${key}` },
  );
}

export function toggleBypass(ctx: StoreContext, ids: readonly string[]): void {
  const { registry } = ctx;
  const set_ = new Set(ids);
  const targets = ctx.history.getState().view.nodes.filter((n) => set_.has(n.id) && !registry.get(n.type)?.inert);
  if (!targets.length) return;
  // Mixed selection: bypass all (like ComfyUI); all bypassed: switch all back on.
  const turnOn = targets.every((n) => n.bypass);
  ctx.history.commit(turnOn ? "Enable" : "Bypass", (d) => {
    for (const n of d.nodes) {
      if (!set_.has(n.id) || registry.get(n.type)?.inert) continue;
      if (turnOn) delete n.bypass;
      else n.bypass = true;
    }
  });
}

export function rename(ctx: StoreContext, nodeId: string, label: string): void {
  const clean = label.trim().slice(0, 120);
  ctx.history.commit("Rename", (d) => {
    const n = findNode(ctx, d, nodeId);
    if (!n) return;
    if (clean) n.label = clean;
    else delete n.label;
  });
}

export function setMeta(ctx: StoreContext, patch: Partial<WorkflowDocument["meta"]>): void {
  ctx.history.commit(
    "Edit pipeline info",
    (d) => {
      for (const [k, v] of Object.entries(patch) as [keyof WorkflowDocument["meta"], never][]) {
        if (v === undefined) delete d.meta[k];
        else d.meta[k] = v;
      }
    },
    { coalesceKey: `meta:${Object.keys(patch).join(",")}` },
  );
}

export function nameSaved(ctx: StoreContext, name: string): void {
  // The stored copy carries the same name, so a clean pipeline stays clean.
  ctx.history.silent((d) => {
    d.meta.name = name;
  }, !ctx.history.getState().dirty);
}

/** What was read from a file a param points to is a fact about the file, not an edit. */
export function setFileInfo(ctx: StoreContext, nodeId: string, key: string, facts: FileFacts): void {
  ctx.history.silent((d) => {
    const n = findNode(ctx, d, nodeId);
    if (!n) return;
    const old = n.fileInfo && Object.hasOwn(n.fileInfo, key) ? n.fileInfo[key] : undefined;
    if (JSON.stringify(old) === JSON.stringify(facts)) return;
    n.fileInfo = { ...n.fileInfo, [key]: facts };
  }, true);
}

/** Folding is not an undo step. */
export function setExpanded(ctx: StoreContext, nodeId: string, expanded: boolean): void {
  ctx.history.silent((d) => {
    const n = findNode(ctx, d, nodeId);
    if (!n || !!n.expanded === expanded) return;
    if (expanded) n.expanded = true;
    else delete n.expanded;
  });
}
