// The providers a canvas hook or component needs in a unit test: the editor's and xyflow's.
import { render } from "@testing-library/react";
import { ReactFlowProvider } from "@xyflow/react";
import type { ReactNode } from "react";
import type { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";

export function renderInFlow(editor: ReturnType<typeof createEditor>, ui: ReactNode) {
  return render(
    <EditorProvider editor={editor}>
      <ReactFlowProvider>{ui}</ReactFlowProvider>
    </EditorProvider>,
  );
}
