import { compile, importRequest, titleNodesByPath } from "../../compiler";
import { serializeWorkflow, type LoadIssue, type WorkflowDocument } from "../../graph";
import type { ForeignRequest } from "../../interop/foreign";
import { subgraphsToComponents, type ComfyImport } from "../../interop/comfyui";
import { detectIncoming } from "../../interop/incoming";
import { DEFAULT_JSON_LIMITS } from "../../graph/safeJson";
import { InputError } from "../io";
import { EXIT, oneFile, type Command, type CommandContext } from "../context";
import { formatDiagnostic, fromDiagnostic, fromLoadIssue, hasError, type CliDiagnostic } from "../report";

export const importCommand: Command = {
  summary: "Turn a fal-ai/lora request, A1111 generation data, a ComfyUI file or an image into a workflow",
  usage: "REQUEST.json | PARAMETERS.txt | COMFYUI.json | IMAGE",
  details: [
    "REQUEST.json is a request input object, { endpoint, input }, or the output of lora-graph compile.",
    "PARAMETERS.txt is A1111 / Forge / Civitai generation data (the text PNG Info shows); COMFYUI.json",
    "is a ComfyUI API prompt or UI workflow; IMAGE is a PNG, JPEG or WebP carrying any of these (ComfyUI's",
    "prompt/workflow chunks too). What the source has that a request cannot hold is listed on stderr,",
    "by its key or ComfyUI node id.",
    "Prints the workflow file on stdout; what could not be imported, and the problems the",
    "imported pipeline has, go to stderr one per line. With --json, stdout holds { document, diagnostics }.",
    "Exit 0 when the request imported cleanly, 1 when it has problems (the workflow is still printed),",
    "2 when REQUEST.json is unreadable or not JSON.",
  ].join("\n"),
  async run(ctx) {
    const path = oneFile(ctx, "import");
    const bytes = await ctx.io.read(path, DEFAULT_JSON_LIMITS.maxBytes);
    const name =
      path === "-" ? "Imported request" : path.replace(/^.*[\\/]/, "").replace(/\.(json|txt|png|jpe?g|webp)$/i, "");
    const found = detectIncoming(bytes);
    const warnings: CliDiagnostic[] = found.warnings.map((message) => ({
      severity: "warning",
      code: found.image ? "image" : "import",
      message,
    }));
    switch (found.kind) {
      case "workflow":
        throw new InputError(
          found.image
            ? `${path} carries a lora-graph workflow; open it in the editor, or use lora-graph compile on it`
            : `${path} is already a lora-graph workflow; use lora-graph compile or validate on it`,
        );
      case "foreign":
        return importForeign(ctx, found.foreign, name, warnings);
      case "request": {
        const { document, diagnostics } = await importRequest(found.json, ctx.registry, { name });
        return printImported(ctx, document, [...warnings, ...diagnostics.map((d) => fromDiagnostic(d, document))]);
      }
      case "unknown":
        if (found.image) throw new InputError(`cannot import ${path}: ${found.error}`);
        return unreadable(ctx, found.error, found.issues);
    }
  },
};

/** Not importable text: one error, as a diagnostic (the file may still be fixed by hand). */
function unreadable(ctx: CommandContext, message: string, issues: readonly LoadIssue[] = []): number {
  const diagnostics: CliDiagnostic[] = issues.length
    ? issues.map((e) => ({
        ...fromLoadIssue(e, "error"),
        message: e.message.replace(/^Not readable JSON/, "Not a readable request"),
      }))
    : [{ severity: "error", code: "request-invalid", message }];
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ diagnostics }, null, 2)}\n`);
  else for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  return EXIT.input;
}

/** Prints the workflow and every diagnostic (the import's, then the imported pipeline's own). */
function printImported(ctx: CommandContext, document: WorkflowDocument, found: CliDiagnostic[]): number {
  const diagnostics = [
    ...found,
    ...compile(document, ctx.registry).diagnostics.map((d) => fromDiagnostic(d, document)),
  ];
  if (ctx.json) {
    ctx.io.stdout(`${JSON.stringify({ document: JSON.parse(serializeWorkflow(document)), diagnostics }, null, 2)}\n`);
  } else {
    for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
    ctx.io.stdout(serializeWorkflow(document));
  }
  return hasError(diagnostics) ? EXIT.problems : EXIT.ok;
}

/** Another tool's data: the request becomes a graph, its names become node titles, its notes diagnostics. */
async function importForeign(
  ctx: CommandContext,
  foreign: ForeignRequest,
  name: string,
  extra: CliDiagnostic[],
): Promise<number> {
  const imported = await importRequest({ endpoint: foreign.endpoint, input: foreign.request }, ctx.registry, { name });
  const maps = compile(imported.document, ctx.registry).outputs.map((o) => o.sourceMap);
  const titled = titleNodesByPath(imported.document, maps, foreign.labels);
  // ComfyUI subgraphs become components once the request is a graph.
  const made =
    "subgraphs" in foreign
      ? subgraphsToComponents(titled, maps, foreign as ComfyImport, ctx.registry)
      : { document: titled, notes: [] };
  const document = made.document;
  const notes: CliDiagnostic[] = [...foreign.notes, ...made.notes].map((n) => ({
    severity: n.severity,
    code: "import",
    path: n.path,
    message: `${foreign.format}${n.source ? ` "${n.source}"` : ""}: ${n.message}`,
  }));
  return printImported(ctx, document, [
    ...extra,
    ...notes,
    ...imported.diagnostics.map((d) => fromDiagnostic(d, document)),
  ]);
}
