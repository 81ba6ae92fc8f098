import { compile, importRequest } from "../../compiler";
import { WORKFLOW_FORMAT, serializeWorkflow } from "../../graph";
import { DEFAULT_JSON_LIMITS, parseJsonSafely } from "../../graph/safeJson";
import { InputError } from "../io";
import { EXIT, oneFile, type Command } from "../context";
import { formatDiagnostic, fromDiagnostic, fromLoadIssue, hasError } from "../report";

export const importCommand: Command = {
  summary: "Turn a fal-ai/lora request JSON into a workflow",
  usage: "REQUEST.json",
  details: [
    "REQUEST.json is a request input object, { endpoint, input }, or the output of lora-graph compile.",
    "Prints the workflow file on stdout; what could not be imported, and the problems the",
    "imported pipeline has, go to stderr one per line. With --json, stdout holds { document, diagnostics }.",
    "Exit 0 when the request imported cleanly, 1 when it has problems (the workflow is still printed),",
    "2 when REQUEST.json is unreadable or not JSON.",
  ].join("\n"),
  async run(ctx) {
    const path = oneFile(ctx, "import");
    const parsed = parseJsonSafely(await ctx.io.read(path, DEFAULT_JSON_LIMITS.maxBytes));
    if (!parsed.ok) {
      const diagnostics = parsed.errors.map((e) => ({
        ...fromLoadIssue(e, "error"),
        message: e.message.replace(/^Not a valid pipeline file/, "Not a readable request"),
      }));
      if (ctx.json) ctx.io.stdout(`${JSON.stringify({ diagnostics }, null, 2)}\n`);
      else for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.input;
    }
    const value = parsed.value as { format?: unknown } | null;
    if (value && typeof value === "object" && value.format === WORKFLOW_FORMAT) {
      throw new InputError(`${path} is already a lora-graph workflow; use lora-graph compile or validate on it`);
    }
    const name = path === "-" ? "Imported request" : path.replace(/^.*[\\/]/, "").replace(/\.json$/i, "");
    const { document, diagnostics: found } = await importRequest(parsed.value, ctx.registry, { name });
    const diagnostics = [
      ...parsed.warnings.map((w) => fromLoadIssue(w, "warning")),
      ...found.map((d) => fromDiagnostic(d, document)),
      ...compile(document, ctx.registry).diagnostics.map((d) => fromDiagnostic(d, document)),
    ];
    if (ctx.json) {
      ctx.io.stdout(`${JSON.stringify({ document: JSON.parse(serializeWorkflow(document)), diagnostics }, null, 2)}\n`);
    } else {
      for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
      ctx.io.stdout(serializeWorkflow(document));
    }
    return hasError(diagnostics) ? EXIT.problems : EXIT.ok;
  },
};
