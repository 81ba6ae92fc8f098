/**
 * What every node view gets (a canvas strip, an inspector section): the node, and its params as
 * the document holds them. Here, below the folders that draw views (teach, files) and the registry
 * that picks one by kind (flow/nodeViews.tsx), so neither has to import the other.
 */
export interface NodeViewProps {
  nodeId: string;
  params: Readonly<Record<string, unknown>>;
}
