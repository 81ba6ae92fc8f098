/**
 * The canvas overview. Written instead of using xyflow's <MiniMap> because that one mounts a React
 * component (with its own store subscription) and an SVG <rect> per node: opening a 5,000-node
 * file spent ~300 ms of its longest task creating and styling those. Here each node colour is one
 * <path>, rebuilt only when the node list changes; the viewport mask, the layout maths and the
 * pan/zoom gestures (XYMinimap) are xyflow's own, so it looks and behaves the same.
 */
import { memo, useEffect, useMemo, useRef } from "react";
import { Panel, useStore, useStoreApi, type Node, type ReactFlowState } from "@xyflow/react";
import { getBoundsOfRects, XYMinimap, type Rect, type XYMinimapInstance } from "@xyflow/system";

interface Props {
  /** Fill colour for a node. */
  nodeColor(node: Node): string;
  width: number;
  height: number;
  margin: number;
  ariaLabel: string;
  maskColor: string;
}

const OFFSET_SCALE = 5;

const selectView = (s: ReactFlowState) => ({
  x: -s.transform[0] / s.transform[2],
  y: -s.transform[1] / s.transform[2],
  width: s.width / s.transform[2],
  height: s.height / s.transform[2],
});
const sameRect = (a: Rect, b: Rect) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** One path per colour, and the nodes' bounds, from xyflow's measured (or estimated) node boxes. */
export function nodePaths(
  state: ReactFlowState,
  nodeColor: (n: Node) => string,
): { paths: [string, string][]; bounds: Rect | null } {
  const byColor = new Map<string, string[]>();
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  // Hidden nodes too: zoomed far out a big graph's nodes are hidden from xyflow and drawn by FarLayer.
  for (const n of state.nodeLookup.values()) {
    const { x, y } = n.internals.positionAbsolute;
    const w = n.measured.width ?? n.width ?? n.initialWidth ?? 0;
    const h = n.measured.height ?? n.height ?? n.initialHeight ?? 0;
    if (!w || !h) continue;
    const color = nodeColor(n.internals.userNode);
    let parts = byColor.get(color);
    if (!parts) byColor.set(color, (parts = []));
    parts.push(`M${x},${y}h${w}v${h}h${-w}z`);
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + w);
    maxY = Math.max(maxY, y + h);
  }
  return {
    paths: [...byColor].map(([color, parts]) => [color, parts.join("")]),
    bounds: minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY },
  };
}

export const MiniMap = memo(function MiniMap({
  nodeColor,
  width: elementWidth,
  height: elementHeight,
  margin,
  ariaLabel,
  maskColor,
}: Props) {
  const store = useStoreApi();
  const svg = useRef<SVGSVGElement>(null);
  const view = useStore(selectView, sameRect);
  // The node list changes when nodes move, appear, are selected or get measured; the transform
  // changes on every frame of a pan, and then only the mask and the view box move.
  const userNodes = useStore((s) => s.nodes);
  const panZoom = useStore((s) => s.panZoom);
  const translateExtent = useStore((s) => s.translateExtent);
  const flowWidth = useStore((s) => s.width);
  const flowHeight = useStore((s) => s.height);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const { paths, bounds } = useMemo(() => nodePaths(store.getState(), nodeColor), [userNodes, nodeColor, store]);

  const box = bounds ? getBoundsOfRects(bounds, view) : view;
  const viewScale = Math.max(box.width / elementWidth, box.height / elementHeight);
  const viewWidth = viewScale * elementWidth;
  const viewHeight = viewScale * elementHeight;
  const offset = OFFSET_SCALE * viewScale;
  const x = box.x - (viewWidth - box.width) / 2 - offset;
  const y = box.y - (viewHeight - box.height) / 2 - offset;
  const width = viewWidth + offset * 2;
  const height = viewHeight + offset * 2;
  const viewScaleRef = useRef(viewScale);
  viewScaleRef.current = viewScale;

  const minimap = useRef<XYMinimapInstance | null>(null);
  useEffect(() => {
    if (!svg.current || !panZoom) return;
    minimap.current = XYMinimap({
      domNode: svg.current,
      panZoom,
      getTransform: () => store.getState().transform,
      getViewScale: () => viewScaleRef.current,
    });
    return () => {
      minimap.current?.destroy();
      minimap.current = null;
    };
  }, [panZoom, store]);
  useEffect(() => {
    minimap.current?.update({
      translateExtent,
      width: flowWidth,
      height: flowHeight,
      pannable: true,
      zoomable: true,
      inversePan: false,
      zoomStep: 1,
    });
  }, [translateExtent, flowWidth, flowHeight, panZoom]);

  return (
    <Panel
      position="bottom-right"
      className="react-flow__minimap"
      data-testid="rf__minimap"
      style={{ width: elementWidth, height: elementHeight, margin }}
    >
      <svg
        ref={svg}
        width={elementWidth}
        height={elementHeight}
        viewBox={`${x} ${y} ${width} ${height}`}
        className="react-flow__minimap-svg"
        role="img"
        aria-label={ariaLabel}
      >
        {paths.map(([color, d]) => (
          <path key={color} className="minimap-nodes" d={d} fill={color} />
        ))}
        <path
          className="react-flow__minimap-mask"
          d={`M${x - offset},${y - offset}h${width + offset * 2}v${height + offset * 2}h${-width - offset * 2}z M${view.x},${view.y}h${view.width}v${view.height}h${-view.width}z`}
          fillRule="evenodd"
          pointerEvents="none"
          style={{ fill: maskColor }}
        />
      </svg>
    </Panel>
  );
});
