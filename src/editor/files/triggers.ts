/**
 * Trigger words go into the prompt only when the user clicks one: the prompt that feeds the same
 * Sampler as the LoRA (found through the compile's source map, so no node type is named), else
 * the first node that sends a prompt.
 */
import type { Editor } from "../store/editor";

interface PromptField {
  nodeId: string;
  field: string;
}

/** Where a trigger word clicked on `nodeId` goes. */
export function promptFor(editor: Editor, nodeId: string): PromptField | undefined {
  const doc = editor.store.getState().document;
  const result = editor.engine.compiled(doc);
  for (const out of result.outputs) {
    const map = out.sourceMap;
    if (!Object.values(map).some((s) => s.nodeId === nodeId)) continue;
    const hit = map["prompt"];
    if (hit?.nodeId && hit.field) return { nodeId: hit.nodeId, field: hit.field };
  }
  for (const n of doc.nodes) {
    const def = editor.registry.get(n.type);
    const field = def && Object.keys(def.params).find((k) => def.params[k].request === "prompt");
    if (field) return { nodeId: n.id, field };
  }
  return undefined;
}

const words = (text: string) => text.toLowerCase().replace(/\s+/g, " ");

/** Whether the prompt text already holds `word` (as written, spaces and case aside). */
export function hasWord(text: string, word: string): boolean {
  return words(text).includes(words(word.trim()));
}

/** The prompt with `word` appended after a comma; unchanged when it is already there. */
export function withWord(text: string, word: string): string {
  const w = word.trim();
  if (!w || hasWord(text, w)) return text;
  const head = text.replace(/[\s,]+$/, "");
  return head ? `${head}, ${w}` : w;
}

/** Inserts `word` into the prompt as one undo step; false when there is no prompt to take it. */
export function insertTrigger(editor: Editor, nodeId: string, word: string): boolean {
  const target = promptFor(editor, nodeId);
  if (!target) return false;
  const node = editor.store.getState().document.nodes.find((n) => n.id === target.nodeId);
  const text = typeof node?.params[target.field] === "string" ? (node.params[target.field] as string) : "";
  const next = withWord(text, word);
  if (next !== text) {
    editor.store.endEdit();
    editor.store.setParam(target.nodeId, target.field, next);
    editor.store.endEdit();
  }
  return true;
}
