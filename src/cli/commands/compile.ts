import { compile } from "../../compiler";
import { EXIT, oneFile, readWorkflow, WORKSPACE_OPTION, type Command } from "../context";
import { formatDiagnostic, fromDiagnostic, hasError } from "../report";

export const compileCommand: Command = {
  summary: "Compile a workflow into fal-ai/lora requests",
  usage: "FILE",
  details: [
    "Prints a JSON array on stdout, one entry per Sampler output:",
    '  [{ "output": nodeId, "endpoint": "fal-ai/lora…", "input": { …request… } }]',
    "Problems go to stderr, one line each: error <code> node <id> (<type>) field <name>: <message>",
    "With --json, stdout holds { outputs, diagnostics } instead, and outputs carry ok.",
    "Exit 0 when every output compiled, 1 when the pipeline has errors, 2 when FILE is unreadable.",
  ].join("\n"),
  options: { ...WORKSPACE_OPTION },
  async run(ctx) {
    const path = oneFile(ctx, "compile");
    const loaded = await readWorkflow(ctx, path);
    if (!loaded.ok) {
      if (ctx.json) ctx.io.stdout(`${JSON.stringify({ outputs: [], diagnostics: loaded.diagnostics }, null, 2)}\n`);
      else for (const d of loaded.diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.input;
    }
    const result = compile(loaded.document, ctx.registry);
    const diagnostics = [...loaded.diagnostics, ...result.diagnostics.map((d) => fromDiagnostic(d, loaded.document))];
    // Nothing compiled is a failure too: a script expecting a request must not get [].
    const ok = result.outputs.length > 0 && result.outputs.every((o) => o.ok) && !hasError(diagnostics);
    if (ctx.json) {
      const outputs = result.outputs.map((o) => ({
        output: o.output,
        endpoint: o.endpoint,
        ok: o.ok,
        ...(o.ok ? { input: o.input } : {}),
      }));
      ctx.io.stdout(`${JSON.stringify({ outputs, diagnostics }, null, 2)}\n`);
    } else {
      for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
      if (ok)
        ctx.io.stdout(
          `${JSON.stringify(
            result.outputs.map((o) => ({ output: o.output, endpoint: o.endpoint, input: o.input })),
            null,
            2,
          )}\n`,
        );
    }
    return ok ? EXIT.ok : EXIT.problems;
  },
};
