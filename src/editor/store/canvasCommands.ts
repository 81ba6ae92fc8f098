// The editor store's commands for the canvas comforts: splicing a node into a wire, collapsing
// nodes, reroute points and groups (docs/canvas.md). Each is one undo step; none changes what the
// pipeline compiles to except splicing, which rewires.
import type { Draft } from "immer";
import {
  MAX_GROUP_TITLE,
  MAX_REROUTES_PER_WIRE,
  planSplice,
  type Registry,
  type SplicePlan,
  type WorkflowDocument,
  type WorkflowGroup,
  type XY,
} from "../../graph";
import type { StoreContext } from "./commands";

const doc = (ctx: StoreContext) => ctx.history.getState().view;

type Rect = WorkflowGroup["bounds"];

const applyPlan = (d: Draft<WorkflowDocument>, plan: Extract<SplicePlan, { ok: true }>) => {
  d.edges = d.edges.filter((e) => e.id !== plan.remove);
  d.edges.push(...plan.add);
};

/**
 * Puts an existing node into a wire (it was dragged onto it), moving the dragged nodes to where
 * they were dropped in the same undo step. Refused (the reason returned, nothing changed) when the
 * node has no free input and output that fit.
 */
export function spliceNode(
  ctx: StoreContext,
  nodeId: string,
  wireId: string,
  moves: readonly { id: string; position: XY }[] = [],
): SplicePlan {
  const node = doc(ctx).nodes.find((n) => n.id === nodeId);
  if (!node) return { ok: false, reason: "That node no longer exists" };
  const plan = planSplice(doc(ctx), wireId, node, ctx.registry);
  if (!plan.ok) return plan;
  const byId = new Map(moves.map((m) => [m.id, m.position]));
  ctx.history.commit("Insert into wire", (d) => {
    for (const n of d.nodes) {
      const p = byId.get(n.id);
      if (p) n.position = { x: p.x, y: p.y };
    }
    applyPlan(d, plan);
  });
  return plan;
}

/** The plan for a node being added into a wire (addNode's `spliceInto`). */
export function planNewNodeSplice(
  ctx: StoreContext,
  node: WorkflowDocument["nodes"][number],
  wireId: string,
  // A library component's definition arrives with the node: only addNode's registry knows it yet.
  registry: Registry = ctx.registry,
) {
  const plan = planSplice(doc(ctx), wireId, node, registry);
  return plan.ok ? (d: Draft<WorkflowDocument>) => applyPlan(d, plan) : undefined;
}

/** Collapses the nodes to their title bars, or (all collapsed already) opens them. */
export function toggleCollapsed(ctx: StoreContext, ids: readonly string[]): void {
  const set = new Set(ids);
  const targets = doc(ctx).nodes.filter((n) => set.has(n.id));
  if (!targets.length) return;
  const open = targets.every((n) => n.collapsed);
  ctx.history.commit(open ? "Expand" : "Collapse", (d) => {
    for (const n of d.nodes) {
      if (!set.has(n.id)) continue;
      if (open) delete n.collapsed;
      else n.collapsed = true;
    }
  });
}

const findEdge = (ctx: StoreContext, d: Draft<WorkflowDocument>, id: string) => {
  const i = doc(ctx).edges.findIndex((e) => e.id === id);
  return i < 0 ? undefined : d.edges[i];
};

/** Adds a reroute point to a wire at `index` in its list (source to target). */
export function addReroute(ctx: StoreContext, wireId: string, index: number, at: XY): boolean {
  const e = doc(ctx).edges.find((x) => x.id === wireId);
  if (!e || (e.reroutes?.length ?? 0) >= MAX_REROUTES_PER_WIRE) return false;
  return ctx.history.commit("Add reroute point", (d) => {
    const edge = findEdge(ctx, d, wireId)!;
    const list = edge.reroutes ?? (edge.reroutes = []);
    list.splice(Math.max(0, Math.min(index, list.length)), 0, { x: Math.round(at.x), y: Math.round(at.y) });
  });
}

export function moveReroute(ctx: StoreContext, wireId: string, index: number, to: XY): void {
  ctx.history.commit("Move reroute point", (d) => {
    const p = findEdge(ctx, d, wireId)?.reroutes?.[index];
    if (p) Object.assign(p, { x: Math.round(to.x), y: Math.round(to.y) });
  });
}

export function removeReroute(ctx: StoreContext, wireId: string, index: number): void {
  ctx.history.commit("Remove reroute point", (d) => {
    const edge = findEdge(ctx, d, wireId);
    if (!edge?.reroutes?.[index]) return;
    edge.reroutes.splice(index, 1);
    if (!edge.reroutes.length) delete edge.reroutes;
  });
}

export const GROUP_COLORS = ["#3b82f6", "#22c55e", "#eab308", "#f97316", "#ef4444", "#a855f7", "#64748b"] as const;

function freshGroupId(ctx: StoreContext): string {
  const taken = new Set((doc(ctx).groups ?? []).map((g) => g.id));
  let id = ctx.makeId("group");
  while (taken.has(id)) id = ctx.makeId("group");
  return id;
}

/** A new group framing `bounds` (the editor measures the nodes it is made from). */
export function addGroup(ctx: StoreContext, bounds: Rect, title = "Group", color: string = GROUP_COLORS[0]): string {
  const id = freshGroupId(ctx);
  const group: WorkflowGroup = { id, title: title.slice(0, MAX_GROUP_TITLE), color, bounds: roundRect(bounds) };
  ctx.history.commit("Group", (d) => {
    (d.groups ??= []).push(group);
  });
  return id;
}

export function updateGroup(
  ctx: StoreContext,
  id: string,
  patch: Partial<Pick<WorkflowGroup, "title" | "color" | "bounds">>,
): void {
  const label = patch.title !== undefined ? "Rename group" : patch.color ? "Recolour group" : "Resize group";
  ctx.history.commit(
    label,
    (d) => {
      const g = d.groups?.find((x) => x.id === id);
      if (!g) return;
      if (patch.title !== undefined) g.title = patch.title.trim().slice(0, MAX_GROUP_TITLE);
      if (patch.color) g.color = patch.color;
      if (patch.bounds) g.bounds = roundRect(patch.bounds);
    },
    { coalesceKey: patch.title !== undefined ? `group-title:${id}` : undefined },
  );
}

/** Deletes the frame; its nodes stay where they are. */
export function removeGroup(ctx: StoreContext, id: string): void {
  ctx.history.commit("Delete group", (d) => {
    if (!d.groups) return;
    d.groups = d.groups.filter((g) => g.id !== id);
    if (!d.groups.length) delete d.groups;
  });
}

/**
 * Moves a group by `delta` with the nodes inside it (`nodeIds`, measured by the editor when the
 * drag began), the groups nested in it (`groupIds`, whose members are among `nodeIds`) and the
 * reroute points inside its frame: one undo step.
 */
export function moveGroup(
  ctx: StoreContext,
  id: string,
  delta: XY,
  nodeIds: readonly string[],
  groupIds: readonly string[] = [],
): void {
  const dx = Math.round(delta.x);
  const dy = Math.round(delta.y);
  if (!dx && !dy) return;
  const group = doc(ctx).groups?.find((g) => g.id === id);
  if (!group) return;
  const inside = new Set(nodeIds);
  const { x, y, width, height } = group.bounds;
  const within = (p: XY) => p.x >= x && p.x <= x + width && p.y >= y && p.y <= y + height;
  const carried = new Set([id, ...groupIds]);
  ctx.history.commit("Move group", (d) => {
    for (const g of d.groups!)
      if (carried.has(g.id)) g.bounds = { ...g.bounds, x: g.bounds.x + dx, y: g.bounds.y + dy };
    for (const n of d.nodes) if (inside.has(n.id)) n.position = { x: n.position.x + dx, y: n.position.y + dy };
    for (const e of d.edges)
      for (const p of e.reroutes ?? []) if (within(p)) Object.assign(p, { x: p.x + dx, y: p.y + dy });
  });
}

const roundRect = (r: Rect): Rect => ({
  x: Math.round(r.x),
  y: Math.round(r.y),
  width: Math.max(1, Math.round(r.width)),
  height: Math.max(1, Math.round(r.height)),
});
