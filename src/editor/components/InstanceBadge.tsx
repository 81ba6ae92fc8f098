import { instanceRef, type WorkflowNode } from "../../graph";

/** On an instance: which component and version it uses, and how to open it. */
export function InstanceBadge({ node }: { node: WorkflowNode }) {
  const ref = instanceRef(node);
  if (!ref) return null;
  return (
    <span
      className="badge component"
      data-testid="instance-badge"
      title={`Component ${ref.id}, version ${ref.version}. Double-click the node (or press Tab) to open it.`}
    >
      <span aria-hidden>◇</span> {ref.version}
    </span>
  );
}
