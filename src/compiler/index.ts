/**
 * The compiler's public API. The editor, CLI and server import from here only.
 */
import type { Registry, WorkflowDocument } from "../graph";
import {
  createCompiler as createCompilerWith,
  type CompileOptions,
  type CompileResult,
  type Compiler,
} from "./compile";
import { falValidator } from "./falValidator";
import type { ImportOptions, ImportResult } from "./importer";
import type { LayoutOptions } from "./layout";
import type { ElkNode } from "elkjs/lib/elk-api";

export type { CompiledOutput, CompileResult, CompileOptions, Compiler, RequestValidator, SourceMap } from "./compile";
export { lookupSource } from "./compile";
export { finish, type Steps } from "./steps";
export { falValidator } from "./falValidator";

/**
 * A compiler whose requests are checked against fal's schema. It remembers the checked nodes of
 * its last compile, so hold one per editor (or CLI run, or sweep) and recompile with it.
 * @example
 * const compiler = createCompiler();
 * const { outputs } = compiler.compile(doc, registry);
 */
export function createCompiler(options: CompileOptions = {}): Compiler {
  return createCompilerWith({ validator: falValidator, ...options });
}

/**
 * Compiles each Sampler output into one fal-ai/lora request, checked against fal's schema, with a
 * fresh compiler (for a single compile; see createCompiler to compile the same document again).
 * @example
 * const { outputs } = compile(doc, registry);
 */
export function compile(doc: WorkflowDocument, registry: Registry, options: CompileOptions = {}): CompileResult {
  return createCompiler(options).compile(doc, registry);
}

export * from "./falSchema";
export type { ImportOptions, ImportResult } from "./importer";

/**
 * A fal-ai/lora request JSON → a laid-out workflow document (see ./importer.ts). The importer
 * loads on first use: the editor's first load has no request to import
 * (docs/codebase.md#the-first-load).
 */
export async function importRequest(json: unknown, registry: Registry, options?: ImportOptions): Promise<ImportResult> {
  return (await import("./importer")).importRequest(json, registry, options);
}
export type { LayoutOptions } from "./layout";

/**
 * ELK's layout of `doc` (see ./layout.ts). Loads on first use, like ELK itself: only an import,
 * the Layout command and a node settling over another run it (docs/codebase.md#the-first-load).
 */
export async function layoutDocument(
  doc: WorkflowDocument,
  registry: Registry,
  options?: LayoutOptions,
): Promise<WorkflowDocument> {
  return (await import("./layout")).layoutDocument(doc, registry, options);
}

/** ELK's layered layout of a graph layoutDocument built, in this thread (see ./layout.ts); loads on first use. */
export async function elkHere(graph: ElkNode): Promise<ElkNode> {
  return (await import("./layout")).elkHere(graph);
}
export { estimateNodeSize, NODE_GEOMETRY } from "../graph";
export { titleNodesByPath } from "./labels";
