/**
 * A component as a file of its own, as the workspace keeps it (docs/components.md#the-workspace):
 * `components/<namespace>.<name>.<version>.json`, holding the definition and copies of the
 * components it uses, so the file is self-contained like a workflow.
 */
import { analyzeComponents, componentKey, hashComponent } from "./components";
import type { ComponentDefinition } from "./document";
import { jsonPath, type LoadIssue } from "./loadIssues";
import { parseJsonSafely, DEFAULT_JSON_LIMITS } from "./safeJson";
import { serializedComponent } from "./workflowFile";
import { componentDefinitionSchema } from "./workflowSchema";
import { z } from "./zodMini";

export const COMPONENT_FILE_FORMAT = "lora-graph/component";
export const COMPONENT_FILE_VERSION = 1;

/** The file name a definition is published under: `alice.style-stack.1.2.0.json`. */
export function componentFileName(def: Pick<ComponentDefinition, "id" | "version">): string {
  return `${def.id.replace("/", ".")}.${def.version}.json`;
}

export interface ComponentFile {
  definition: ComponentDefinition;
  /** The components it uses, nested ones included. */
  uses: ComponentDefinition[];
}

/** The file text: fixed key order, 2-space JSON, ending in a newline. */
export function serializeComponentFile(file: ComponentFile): string {
  return `${JSON.stringify(
    {
      format: COMPONENT_FILE_FORMAT,
      version: COMPONENT_FILE_VERSION,
      component: serializedComponent(file.definition),
      uses: file.uses.length ? file.uses.map(serializedComponent) : undefined,
    },
    null,
    2,
  )}\n`;
}

const fileSchema = z.object({
  format: z.literal(COMPONENT_FILE_FORMAT),
  version: z.literal(COMPONENT_FILE_VERSION),
  component: componentDefinitionSchema,
  uses: z.optional(z.array(componentDefinitionSchema)),
});

/**
 * Reads a component file (untrusted: never throws). Refused when it is not JSON, not a component
 * file, or its definitions contain themselves, nest too deep or are broken; a wrong hash is
 * corrected with a warning, as the workflow loader does.
 */
export function loadComponentFile(
  input: string | Uint8Array,
): { ok: true; file: ComponentFile; warnings: LoadIssue[] } | { ok: false; errors: LoadIssue[] } {
  const tree = parseJsonSafely(input, DEFAULT_JSON_LIMITS);
  if (!tree.ok) return { ok: false, errors: tree.errors };
  const parsed = fileSchema.safeParse(tree.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = jsonPath(issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)));
    return {
      ok: false,
      errors: [
        { code: "invalid-structure", path, message: `Not a lora-graph component file: ${path}: ${issue.message}` },
      ],
    };
  }
  const definition = parsed.data.component as ComponentDefinition;
  const uses = (parsed.data.uses ?? []) as ComponentDefinition[];
  const all = [definition, ...uses];
  const analysis = analyzeComponents({ nodes: [], components: all });
  const errors: LoadIssue[] = [];
  const warnings: LoadIssue[] = [];
  for (const p of analysis.problems) {
    const [, i, ...rest] = p.at;
    const at = i === 0 ? ["component", ...rest] : ["uses", Number(i) - 1, ...rest];
    (p.severity === "error" ? errors : warnings).push({ code: p.code, path: jsonPath(at), message: p.message });
  }
  if (errors.length) return { ok: false, errors };
  const fixed = all.map((d) => (d.hash === hashComponent(d) ? d : { ...d, hash: hashComponent(d) }));
  return { ok: true, file: { definition: fixed[0], uses: fixed.slice(1) }, warnings };
}

/** Keys `id@version` of a definition and its uses, for listing. */
export const definitionKey = (d: Pick<ComponentDefinition, "id" | "version">) => componentKey(d.id, d.version);
