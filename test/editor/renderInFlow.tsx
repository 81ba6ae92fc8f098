// The providers a canvas hook or component needs in a unit test: the editor's, xyflow's and the
// stable React Flow instance the canvas's hooks take (src/editor/flow/flowApi.tsx).
import { render } from "@testing-library/react";
import { ReactFlowProvider } from "@xyflow/react";
import type { ReactNode } from "react";
import type { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { FlowApiProvider } from "../../src/editor/flow/flowApi";

export function renderInFlow(editor: ReturnType<typeof createEditor>, ui: ReactNode) {
  return render(
    <EditorProvider editor={editor}>
      <ReactFlowProvider>
        <FlowApiProvider>{ui}</FlowApiProvider>
      </ReactFlowProvider>
    </EditorProvider>,
  );
}
