import { useMemo } from "react";
import { instanceRef, type WorkflowNode } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { useWorkspace } from "../library/workspace";
import { definitionOf } from "../store/scope";
import { newerInLibrary } from "./updateOffer";
import { startPublish, startUpdate } from "./versionUi";

/**
 * On an instance, at any depth: the offer to update when the library has a newer version of its
 * component, and a mark when the pipeline's copy of its version was changed since it was
 * published (its hash is not the library's for that version), with the way to publish it.
 */
export function UpdateMark({ node }: { node: WorkflowNode }) {
  const editor = useEditorInstance();
  const ref = instanceRef(node);
  const def = useEditor((s) => (ref ? definitionOf(s.document, ref.key) : undefined));
  const items = useWorkspace((w) => w.components);
  const published = useWorkspace((w) => (ref ? w.componentHashes[ref.key] : undefined));
  const type = node.type;
  // Of the type only: an edit of the node's params does not re-check the offer.
  const offer = useMemo(() => newerInLibrary(items, { type }), [items, type]);
  const edited = !!def && published !== undefined && published !== def.hash;
  if (!ref || (!offer && !edited)) return null;
  return (
    <>
      {edited && (
        <div className="instance-update edited nodrag" data-testid="edited-mark">
          <span
            className="grow"
            title={`This pipeline’s copy of ${def.title} ${ref.version} differs from the library’s. Publish it as a new version to share the change, or detach this instance to keep it here only.`}
          >
            edited since v{ref.version}
          </span>
          <button type="button" className="btn small" onClick={() => startPublish(editor, ref.key)}>
            Publish…
          </button>
        </div>
      )}
      {offer && (
        <div className="instance-update nodrag" data-testid="update-mark">
          <span className="grow" title={`The library (${offer.item.file}) has a newer version of this component`}>
            v{offer.from} → v{offer.to} available
          </span>
          <button type="button" className="btn small" onClick={() => startUpdate(editor, node.id)}>
            Update…
          </button>
        </div>
      )}
    </>
  );
}
