import {
  memo,
  useEffect,
  useEffectEvent,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from "react";
import { Handle, Position, useStore, type NodeProps } from "@xyflow/react";
import {
  instanceRef,
  PORT_KIND_INFO,
  type Diagnostic,
  type NodeDefinition,
  type ParamSpec,
  type PortSpec,
  type WorkflowNode,
} from "../../graph";
import { useEditor, useEditorStore, useUi, useEditorInstance } from "../store/react";
import { endpointMode, fieldDiagnostic } from "../engine";
import { ParamField, paramFieldProps } from "../fields/ParamField";
import type { GraphFlowNode } from "./derive";
import { nodeById } from "../store/nodeIndex";
import { canvasViewOf, useCanvasView } from "./view";
import { estimatedSize } from "./sizes";
import { NoteText } from "./NoteText";
import { useInactiveParams } from "../fields/relevance";
import { OutputStrip } from "../run/OutputStrip";
import { useNodeDiagnostics } from "../components/useNodeDiagnostics";
import { NodeCanvasView } from "./nodeViews";
import { canvasUiOf, useCanvasUi } from "./canvasUi";
import { InstanceBadge } from "../components/InstanceBadge";
import { UpdateMark } from "../components/UpdateMark";
import "../components/components.css";
import { glanceText } from "./glance";
import { LIGHT_ZOOM } from "./zoom";
import { FarGlance, FarTitle } from "./FarTitle";

function Port({ port, type, diagnostic }: { port: PortSpec; type: "source" | "target"; diagnostic?: Diagnostic }) {
  const info = PORT_KIND_INFO[port.kind];
  const tip = `${port.label} · ${info.label}${port.required ? " (required)" : ""}${port.multiple ? " (accepts several)" : ""}${port.description ? `\n${port.description}` : ""}`;
  return (
    <div
      className={`port ${type === "target" ? "in" : "out"} ${diagnostic ? `has-${diagnostic.severity}` : ""}`}
      title={diagnostic ? `${tip}\n⚠ ${diagnostic.message}` : tip}
      data-port={port.id}
    >
      <Handle
        type={type}
        id={port.id}
        position={type === "target" ? Position.Left : Position.Right}
        className={`handle ${port.multiple ? "multi" : ""}`}
        style={{ ["--c" as string]: info.color }}
        aria-label={`${type === "target" ? "Input" : "Output"} ${port.label} (${info.label})`}
      />
      <span className="port-label">
        {port.label}
        {port.required && type === "target" && <span className="req">*</span>}
      </span>
    </div>
  );
}

function Title({ id, title, label, light }: { id: string; title: string; label?: string; light?: boolean }) {
  const editor = useEditorInstance();
  const store = editor.store;
  const [editing, setEditing] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  // F2 or the node menu's Rename asks for the field from outside.
  const asked = useCanvasUi((s) => s.renaming === id);
  useEffect(() => {
    if (!asked) return;
    canvasUiOf(editor).set({ renaming: null });
    setEditing(true);
  }, [asked, editor]);
  useEffect(() => {
    if (editing) ref.current?.select();
  }, [editing]);
  if (editing) {
    const finish = (save: boolean) => {
      if (save && ref.current) store.rename(id, ref.current.value);
      setEditing(false);
    };
    return (
      <input
        ref={ref}
        className="title-input nodrag"
        defaultValue={label ?? title}
        aria-label="Node name"
        onBlur={() => finish(true)}
        onKeyDown={(e) => {
          if (e.key === "Enter") finish(true);
          if (e.key === "Escape") finish(false);
          e.stopPropagation();
        }}
      />
    );
  }
  return (
    <span
      className="node-title"
      // Under a light card the node's own hover says what the card holds (lightHint).
      title={light ? undefined : "Double-click to rename"}
      onDoubleClick={(e) => {
        // Under a light card the title is hidden: the double click is the node's, which zooms to it.
        if (e.currentTarget.closest(".gnode.light")) return;
        e.stopPropagation();
        setEditing(true);
      }}
    >
      {label || title}
    </span>
  );
}

function NodeBody({ id, selected }: NodeProps<GraphFlowNode>) {
  const node = useEditor((s) => nodeById(s.view.nodes, id));
  // xyflow may render one more frame of a node the document just dropped.
  return node ? <NodeView id={id} node={node} selected={selected} /> : null;
}

function NodeView({ id, node, selected }: { id: string; node: WorkflowNode; selected: boolean }) {
  const editor = useEditorInstance();
  const { store } = editor;
  // A selector, not a plain read: an instance's type changes with its component's definition.
  const def = useEditor(() => store.registry.get(node.type));
  // Compile diagnostics plus fal's 422 field errors from this graph's last run (see run/useRunDiagnostics).
  const diags = useNodeDiagnostics(id);
  const rootRef = useRef<HTMLDivElement>(null);
  const lightHeight = useLightHeight(id, def, node);
  const inactive = useInactiveParams(def, id);
  useFocusFlash(id, node, def, rootRef);
  if (!def) {
    return (
      <div className={`gnode unknown ${selected ? "sel" : ""}`}>
        <div className="node-head">
          <span className="node-title">Unknown node “{node.type}”</span>
        </div>
        <div className="node-note">This node type is not in the catalogue; it is kept but not compiled.</div>
      </div>
    );
  }
  if (def.inert) return <InertNode id={id} node={node} def={def} selected={selected} />;
  const errors = diags.filter((d) => d.severity === "error");
  const warnings = diags.filter((d) => d.severity === "warning");
  const nodeLevel = diags.filter(
    (d) => !d.field || (!def.params[d.field] && !def.inputs.some((p) => p.id === d.field)),
  );
  // Settings the current wiring ignores (Denoise without an init image) are left off the node; the
  // inspector shows them dimmed.
  const entries = Object.entries(def.params).filter(([k]) => !inactive[k] || fieldDiagnostic(diags, k));
  const light = lightHeight !== undefined && !node.collapsed;
  const glance = light ? glanceText(def, node) : "";
  return (
    <div
      ref={rootRef}
      className={`gnode ${instanceRef(node) ? "instance" : ""} ${selected ? "sel" : ""} ${node.bypass ? "bypassed" : ""} ${errors.length ? "err" : warnings.length ? "warn" : ""} ${node.collapsed ? "collapsed" : ""} ${lightHeight === undefined ? "" : "light"}`}
      style={{ ["--cat" as string]: def.category.color, minHeight: lightHeight }}
      title={light ? lightHint(node.label || def.title, glance) : undefined}
    >
      <NodeHead id={id} node={node} def={def} errors={errors} warnings={warnings} light={light} />
      {!node.collapsed && lightHeight === undefined && <UpdateMark node={node} />}
      <NodePorts id={id} def={def} diags={diags} />
      {/* Collapsed: the title bar only; the ports above stay, gathered on the bar, so wires keep their ends. */}
      {!node.collapsed && (
        <>
          {nodeLevel.length > 0 && (
            <div className="node-msgs">
              {nodeLevel.map((d, i) => (
                <div key={i} className={`field-msg ${d.severity}`}>
                  {d.message}
                </div>
              ))}
            </div>
          )}
          {lightHeight !== undefined && (
            <FarCard title={node.label || def.title} glance={glance}>
              <CardMarks errors={errors.length} warnings={warnings.length} bypassed={!!node.bypass} />
              <UpdateMark node={node} />
            </FarCard>
          )}
          {entries.length > 0 && lightHeight === undefined && (
            <NodeFields id={id} node={node} entries={entries} diags={diags} />
          )}
          {lightHeight === undefined && <NodeCanvasView def={def} nodeId={id} params={node.params} />}
          <OutputStrip nodeId={id} />
        </>
      )}
    </div>
  );
}

/**
 * True for a node that mounted while the view was moving (it scrolled in during a pan or a wheel
 * zoom), until the view stops: widgets are the cost of mounting a node, and nobody reads them in
 * passing.
 */
function useLightWhileMoving(): boolean {
  const { motion } = useCanvasView();
  const [light, setLight] = useState(() => motion.moving);
  useEffect(() => {
    if (!light) return;
    const check = () => !motion.moving && setLight(false);
    check();
    return motion.subscribe(check);
  }, [light, motion]);
  return light;
}

/**
 * The node's light form, or undefined for its full one: zoomed out (below LIGHT_ZOOM), or mounting
 * while the view moves, a node drops its widgets and shows a card with its title and key value.
 * The number is the least height it keeps, its measured one, so that neither the node nor its wires
 * jump and it covers nothing the full form did not; it may grow past it (a Sampler's result preview
 * stays whole over the card, docs/canvas.md "Readable at fit"). Zoomed out, a node not measured yet
 * is drawn full once, so that placing and arranging see its real size.
 */
function useLightHeight(id: string, def: NodeDefinition | undefined, node: WorkflowNode): number | undefined {
  const editor = useEditorInstance();
  const measured = useStore((s) => (s.transform[2] < LIGHT_ZOOM ? (s.nodeLookup.get(id)?.measured.height ?? 0) : -1));
  const ofBar = useMeasuredCollapsed(measured, !!node.collapsed);
  const moving = useLightWhileMoving();
  if (node.collapsed) return undefined;
  // The height was measured of the collapsed node, its bar: unfolded, it is drawn full once, to be
  // measured again.
  if (measured > 0 && !ofBar) return measured;
  if (!moving) return undefined;
  const view = canvasViewOf(editor);
  return (view.nodeSizes.get(id) ?? estimatedSize(view.typeSizes, def, node)).height;
}

/**
 * Whether xyflow's `measured` height is the collapsed node's (its bar) rather than the whole
 * node's. xyflow measures what was drawn, after it was drawn: a new height belongs to the form of
 * the last commit before it, whatever the node's form is now (it may have just been unfolded).
 */
function useMeasuredCollapsed(measured: number, collapsed: boolean): boolean {
  const drawn = useRef(collapsed);
  const of = useRef({ measured, collapsed });
  if (of.current.measured !== measured) of.current = { measured, collapsed: drawn.current };
  useLayoutEffect(() => {
    drawn.current = collapsed;
  });
  return of.current.collapsed;
}

/**
 * What a light card says, whole, on the node's hover: a card shows only the lines it has room for
 * (styles.css .far-fill), and the node's own tooltips are under it.
 */
const lightHint = (title: string, glance: string) => (glance ? `${title}\n${glance}` : title);

/**
 * The light form: title and key value over the node, in type that stays readable on screen, with
 * what the title bar would have said (`children`: errors, an update of its component) between them.
 * The key value takes the room left under them, in whole lines only (styles.css .far-fill).
 */
function FarCard({
  title,
  glance,
  note,
  children,
}: {
  title: string;
  glance: string;
  note?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className={`far-card ${note ? "note-card" : ""}`} data-testid="far-card">
      <FarTitle text={title} />
      {children}
      {glance && (
        <div className="far-fill">
          <FarGlance text={glance} />
        </div>
      )}
    </div>
  );
}

/** The title bar's badges, on the light card that covers the bar: in words, as a count alone says little there. */
function CardMarks({ errors, warnings, bypassed }: { errors: number; warnings: number; bypassed: boolean }) {
  if (!errors && !warnings && !bypassed) return null;
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? "" : "s"}`;
  return (
    <div className="far-marks" data-testid="card-marks">
      {errors > 0 && <span className="far-mark err">{n(errors, "error")}</span>}
      {!errors && warnings > 0 && <span className="far-mark warn">{n(warnings, "warning")}</span>}
      {bypassed && <span className="far-mark">Bypassed</span>}
    </div>
  );
}

/**
 * A jump to a field of this node (from the request view or the problems list) flashes it, unfolding
 * Advanced if needed.
 */
function useFocusFlash(
  id: string,
  node: WorkflowNode,
  def: NodeDefinition | undefined,
  rootRef: RefObject<HTMLDivElement | null>,
): void {
  const store = useEditorStore();
  const focus = useUi((s) => (s.focus?.nodeId === id ? s.focus : null));
  // Reads the node as it is, without being a reason to run: unfolding changes node.expanded, and
  // a jump flashes its field once.
  const unfold = useEffectEvent((field: string) => {
    if (def?.params[field]?.advanced && !node.expanded) store.setExpanded(id, true);
  });
  useEffect(() => {
    if (!focus?.field) return;
    unfold(focus.field);
    const t0 = setTimeout(() => {
      const el = rootRef.current?.querySelector<HTMLElement>(
        `[data-field="${CSS.escape(focus.field!)}"], [data-port="${CSS.escape(focus.field!)}"]`,
      );
      el?.classList.add("flash");
      setTimeout(() => el?.classList.remove("flash"), 1200);
    }, 30);
    return () => clearTimeout(t0);
  }, [focus, rootRef]);
}

function InertNode({
  id,
  node,
  def,
  selected,
}: {
  id: string;
  node: WorkflowNode;
  def: NodeDefinition;
  selected: boolean;
}) {
  const store = useEditorStore();
  const lightHeight = useLightHeight(id, def, node);
  // An inert node is commentary: its text is its first text param, edited in place.
  const key = Object.keys(def.params).find((k) => /^text/.test(def.params[k].widget)) ?? "text";
  const text = typeof node.params[key] === "string" ? node.params[key] : "";
  const light = lightHeight !== undefined;
  return (
    <div
      className={`gnode note ${selected ? "sel" : ""} ${light ? "light" : ""}`}
      style={{ minHeight: lightHeight }}
      title={light ? lightHint(node.label || def.title, text.trim()) : undefined}
    >
      <div className="node-head">
        <span className="dot" style={{ background: def.category.color }} />
        <Title id={id} title={def.title} label={node.label} light={light} />
      </div>
      {/* Light, the card shows as much of the text as the note has room for; none of it is editable unseen. */}
      {lightHeight === undefined ? (
        <NoteText value={text} onChange={(t) => store.setParam(id, key, t)} />
      ) : (
        <FarCard title={node.label || def.title} glance={text.trim()} note />
      )}
    </div>
  );
}

function NodeHead({
  id,
  node,
  def,
  errors,
  warnings,
  light,
}: {
  id: string;
  node: WorkflowNode;
  def: NodeDefinition;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  light: boolean;
}) {
  return (
    <div className="node-head">
      <CollapseToggle id={id} collapsed={!!node.collapsed} />
      <span className="dot" />
      <Title id={id} title={def.title} label={node.label} light={light} />
      {node.label && node.label !== def.title && <span className="node-type">{def.title}</span>}
      <InstanceBadge node={node} />
      {node.bypass && <span className="badge">Bypassed</span>}
      {errors.length > 0 && (
        <span className="badge err" title={errors.map((d) => d.message).join("\n")}>
          {errors.length}
        </span>
      )}
      {!errors.length && warnings.length > 0 && (
        <span className="badge warn" title={warnings.map((d) => d.message).join("\n")}>
          {warnings.length}
        </span>
      )}
    </div>
  );
}

/** The title bar's fold: the node down to its title bar and back (Alt+C). */
function CollapseToggle({ id, collapsed }: { id: string; collapsed: boolean }) {
  const store = useEditorStore();
  return (
    <button
      type="button"
      className="collapse-toggle nodrag"
      aria-expanded={!collapsed}
      aria-label={collapsed ? "Expand node" : "Collapse node"}
      title={`${collapsed ? "Expand" : "Collapse"} (Alt+C)`}
      onClick={(e) => {
        e.stopPropagation();
        store.toggleCollapsed([id]);
      }}
    >
      {collapsed ? "▸" : "▾"}
    </button>
  );
}

/** On a Sampler: whether it will run text to image, image to image or inpaint. */
function EndpointBadge({ id }: { id: string }) {
  const { engine } = useEditorInstance();
  const endpoint = useEditor((s) => engine.compiledSoon(s.document).outputs.find((o) => o.output === id)?.endpoint);
  if (!endpoint) return null;
  const mode = endpointMode(endpoint);
  return (
    <span className={`badge mode mode-${mode.short}`} title={`${mode.long}: ${endpoint}`} data-testid="endpoint-badge">
      {mode.short}
    </span>
  );
}

function NodePorts({ id, def, diags }: { id: string; def: NodeDefinition; diags: readonly Diagnostic[] }) {
  if (def.inputs.length === 0 && def.outputs.length === 0) return null;
  return (
    <div className="ports">
      <div className="col">
        {def.inputs.map((p) => (
          <Port key={p.id} port={p} type="target" diagnostic={fieldDiagnostic(diags, p.id)} />
        ))}
      </div>
      <div className="col right">
        {def.outputs.map((p) => (
          <Port key={p.id} port={p} type="source" />
        ))}
        {/* Under what it makes, not in the title bar: there it left the enlarged title at fit no room. */}
        {def.isOutput && <EndpointBadge id={id} />}
      </div>
    </div>
  );
}

/** The node's fields: the basic ones, then Advanced folded away. */
function NodeFields({
  id,
  node,
  entries,
  diags,
}: {
  id: string;
  node: WorkflowNode;
  entries: [string, ParamSpec][];
  diags: readonly Diagnostic[];
}) {
  const store = useEditorStore();
  const basic = entries.filter(([, s]) => !s.advanced);
  const advanced = entries.filter(([, s]) => s.advanced);
  const field = ([k, spec]: [string, ParamSpec]) => (
    <ParamField key={k} {...paramFieldProps(node, k, spec, diags)} compact />
  );
  return (
    <div className="node-body nodrag">
      {basic.map(field)}
      {advanced.length > 0 && (
        <>
          <button
            type="button"
            className="fold"
            aria-expanded={!!node.expanded}
            onClick={() => store.setExpanded(id, !node.expanded)}
          >
            <span className="chev">{node.expanded ? "▾" : "▸"}</span> Advanced ({advanced.length})
            {!node.expanded && advanced.some(([k]) => fieldDiagnostic(diags, k)) && (
              <span className="badge err">!</span>
            )}
          </button>
          {node.expanded && advanced.map(field)}
        </>
      )}
    </div>
  );
}

export const GraphNode = memo(NodeBody);
