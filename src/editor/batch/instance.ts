/**
 * Each editor's batch runner, made on first use, on the editor's run runtime
 * (src/editor/run/runtime.ts).
 */
import { runtimeOf } from "../run/runtime";
import { definePart, type Editor } from "../store/editor";
import { createBatchRunner, type BatchRunner } from "./batchLoop";
import { localBatchSaver } from "./batchRun";

const batchesPart = definePart("batches", (editor: Editor) =>
  createBatchRunner({
    controller: () => runtimeOf(editor).loadController(),
    saver: localBatchSaver(),
    registry: editor.registry,
  }),
);

export const batchesOf = (editor: Editor): BatchRunner => editor.part(batchesPart);
