/**
 * Files and drafts, in Node: the time budgets of two reliability cases, each judged as a ratio to
 * JSON of the same text or document measured in the same run (the unit tests check what these
 * steps produce, with bounds loose enough for a busy machine):
 *  - LOAD-02, the editor's 500-node / 1,000-wire pipeline: the autosave draft against
 *    `JSON.stringify` of the same payload, compile against a JSON round trip of the document,
 *    loading the file against `JSON.parse` of its text;
 *  - IMP-05, a file at the loader's caps (5,000 nodes, 4,998 wires, in file order and reversed):
 *    loading it against `JSON.parse` of its text.
 * Judged on process CPU time, as the compile section is: on a shared machine wall time measures
 * the scheduler as much as the code.
 */
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { encodeDraft } from "../../src/editor/persistence/snapshot";
import { loadWorkflow } from "../../src/graph";
import { capsWorkflowTexts, registry as testRegistry } from "../graph/workflowFileTestRegistry";
import { pipeline500 } from "../reliability/load02";
import { machineNote, measure, ms, table, type BenchOptions, type BudgetCheck } from "./harness";

interface Step {
  label: string;
  ours: () => unknown;
  baseline: () => unknown;
  baselineName: string;
  /** Ours / baseline, CPU time medians. */
  maxRatio: number;
  runs: number;
}

function steps(): Step[] {
  const doc = pipeline500();
  const payload = {
    document: doc,
    viewport: { x: 0, y: 0, zoom: 1 },
    selection: { nodes: [], edges: [] },
    dirty: true,
  };
  const file = JSON.stringify(doc);
  const [inOrder, reversed] = capsWorkflowTexts();
  const caps = (text: string, order: string, reversedOrder = false): Step => ({
    label: `IMP-05 load a file at the caps (5,000 nodes), wires ${order}`,
    ours: () => loadWorkflow(text, testRegistry),
    baseline: () => JSON.parse(text),
    baselineName: "JSON.parse",
    maxRatio: reversedOrder ? 100 : 40,
    runs: 9,
  });
  return [
    {
      label: "LOAD-02 500 nodes: autosave draft",
      ours: () => encodeDraft(payload, 1),
      baseline: () => JSON.stringify(payload),
      baselineName: "JSON.stringify",
      maxRatio: 1.5,
      runs: 30,
    },
    {
      label: "LOAD-02 500 nodes: compile",
      ours: () => compile(doc, registry),
      baseline: () => JSON.parse(JSON.stringify(doc)),
      baselineName: "JSON round trip",
      maxRatio: 5,
      runs: 30,
    },
    {
      label: "LOAD-02 500 nodes: load the file",
      ours: () => loadWorkflow(file, registry),
      baseline: () => JSON.parse(file),
      baselineName: "JSON.parse",
      maxRatio: 50,
      runs: 15,
    },
    caps(inOrder, "in file order"),
    caps(reversed, "reversed", true),
  ];
}

export function filesSection(opts: BenchOptions): BudgetCheck[] {
  const rows: Record<string, string>[] = [];
  const checks = steps().map((s): BudgetCheck => {
    const runs = opts.quick ? Math.ceil(s.runs / 3) : s.runs;
    const ours = measure(s.ours, { runs, warmup: 2, minMs: 0 });
    const base = measure(s.baseline, { runs: Math.max(runs, 15), warmup: 2 });
    const ratio = ours.cpuMedian / base.cpuMedian;
    rows.push({
      step: s.label,
      median: ms(ours.median),
      "(cpu)": ms(ours.cpuMedian),
      baseline: `${ms(base.cpuMedian)} ${s.baselineName}`,
      "ratio (cpu)": `×${ratio.toFixed(2)}`,
    });
    return {
      label: `${s.label} (CPU time)`,
      pass: ratio <= s.maxRatio,
      actual: ms(ours.cpuMedian),
      baseline: `${ms(base.cpuMedian)} ${s.baselineName}`,
      ratio: `×${ratio.toFixed(2)}`,
      budget: `≤ ×${s.maxRatio} the ${s.baselineName}`,
    };
  });
  console.log(machineNote());
  table(rows);
  return checks;
}
