/**
 * The compiler's public API. The editor, CLI and server import from here only.
 */
import type { Registry, WorkflowDocument } from "../graph";
import { compile as compileWith, type CompileOptions, type CompileResult } from "./compile";
import { falValidator } from "./falValidator";

export type { CompiledOutput, CompileResult, CompileOptions, RequestValidator, SourceMap } from "./compile";
export { lookupSource } from "./compile";
export { falValidator } from "./falValidator";

/**
 * Compiles each Sampler output into one fal-ai/lora request, checked against fal's schema.
 * @example
 * const { outputs } = compile(doc, registry);
 */
export function compile(doc: WorkflowDocument, registry: Registry, options: CompileOptions = {}): CompileResult {
  return compileWith(doc, registry, { validator: falValidator, ...options });
}

export * from "./falSchema";
export { importRequest, importRequestSync, type ImportOptions, type ImportResult } from "./importer";
export { layoutDocument, estimateNodeSize, type LayoutOptions } from "./layout";
export { titleNodesByPath } from "./labels";
