/**
 * The family rule: a LoRA or embedding trained for one model family does not fit a base model of
 * another (docs/import-export.md, "Families"). The base model's family comes from its file's facts when
 * the node holds them, else its name; a LoRA's only from the facts read from its header, which
 * the editor keeps on the node (`fileInfo`). Facts not read yet say nothing, so a file opened
 * without the editor's header reads compiles as before.
 */
import { FAMILY_LABELS, familyOfName, fileFactsOf, type Diagnostic, type Family } from "../graph";
import type { GraphNode } from "./wires";

interface Base {
  family: Family;
  name: string;
  /** Where the family came from, in words: "its name", "its header's modelspec.architecture". */
  from: string;
}

/** "an SDXL", "a Flux": the family labels are read letter by letter when they start with S. */
const article = (label: string) => (label.startsWith("S") ? "an" : "a");

const describeSource = (source: string | undefined) =>
  !source ? "its header" : source === "tensor names" ? "its tensor names" : `its header's ${source}`;

function baseOf(order: readonly GraphNode[]): Base | undefined {
  for (const n of order) {
    const { def, params, bypassed, node } = n.checked;
    if (!def || bypassed) continue;
    for (const key in def.params) {
      const value = params[key];
      if (def.params[key].family !== "base" || typeof value !== "string") continue;
      const facts = fileFactsOf(node, key);
      if (facts && facts.family !== "unknown")
        return { family: facts.family, name: value, from: describeSource(facts.familySource) };
      return { family: familyOfName(value), name: value, from: "its name" };
    }
  }
  return undefined;
}

/**
 * Errors for files of another family than the base model, warnings where a family is unknown;
 * `judged` holds the nodes whose files' facts decided, so a guess from their names is not repeated.
 */
export function familyDiagnostics(order: readonly GraphNode[]): { diagnostics: Diagnostic[]; judged: Set<string> } {
  const out: Diagnostic[] = [];
  const judged = new Set<string>();
  const base = baseOf(order);
  if (!base) return { diagnostics: out, judged };
  const baseLabel = FAMILY_LABELS[base.family];
  for (const n of order) {
    const { def, params, bypassed, node } = n.checked;
    if (!def || bypassed) continue;
    // for…in, not Object.entries: this runs for every node of the walk, and entries() makes an
    // array per param that a 10,000-node compile spent 2.5 MB on (docs/benchmarks.md#the-compiler).
    for (const key in def.params) {
      if (def.params[key].family !== "match" || typeof params[key] !== "string") continue;
      const facts = fileFactsOf(node, key);
      if (!facts) continue;
      judged.add(node.id);
      const at = { nodeId: node.id, field: key };
      const what = `This ${def.title}`;
      if (facts.family === "unknown") {
        const message = `${what}'s file does not say which model family it was trained for: check that it is made for ${base.family === "unknown" ? "the base model" : `${baseLabel}, like the base model`}`;
        out.push({ severity: "warning", code: "family-unknown", message, ...at });
      } else if (base.family === "unknown") {
        const message = `${what} is for ${FAMILY_LABELS[facts.family]}, but the base model "${base.name}" does not say its family: check that it is ${FAMILY_LABELS[facts.family]}`;
        out.push({ severity: "warning", code: "family-unknown", message, ...at });
      } else if (facts.family !== base.family) {
        const fileLabel = FAMILY_LABELS[facts.family];
        const message = `${what} is made for ${fileLabel} (${describeSource(facts.familySource)} says so) but the base model "${base.name}" is ${baseLabel} (from ${base.from}): it would not fit. Use ${article(baseLabel)} ${baseLabel} ${def.title} or ${article(fileLabel)} ${fileLabel} base model`;
        out.push({ severity: "error", code: "family-mismatch", message, ...at });
      }
    }
  }
  return { diagnostics: out, judged };
}
