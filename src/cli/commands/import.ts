import { compile, importRequest, titleNodesByPath } from "../../compiler";
import { WORKFLOW_FORMAT, serializeWorkflow, type WorkflowDocument } from "../../graph";
import { a1111ToRequest, looksLikeInfotext } from "../../interop/a1111";
import type { ForeignRequest } from "../../interop/foreign";
import {
  PARAMETERS_KEYWORD,
  REQUEST_KEYWORD,
  WORKFLOW_KEYWORD,
  readImageMetadata,
  sniffImage,
} from "../../interop/image";
import { DEFAULT_JSON_LIMITS, parseJsonSafely } from "../../graph/safeJson";
import { InputError } from "../io";
import { EXIT, oneFile, type Command, type CommandContext } from "../context";
import { formatDiagnostic, fromDiagnostic, fromLoadIssue, hasError, type CliDiagnostic } from "../report";

export const importCommand: Command = {
  summary: "Turn a fal-ai/lora request, A1111 generation data or an image into a workflow",
  usage: "REQUEST.json | PARAMETERS.txt | IMAGE",
  details: [
    "REQUEST.json is a request input object, { endpoint, input }, or the output of lora-graph compile.",
    "PARAMETERS.txt is A1111 / Forge / Civitai generation data (the text PNG Info shows); IMAGE is a",
    "PNG, JPEG or WebP carrying that text, a fal request or a lora-graph workflow. What A1111's text",
    "has that a request cannot hold is listed on stderr by its key.",
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
    if (sniffImage(bytes)) return importImage(ctx, path, bytes, name);
    const text = new TextDecoder().decode(bytes);
    if (!/^\s*[{[]/.test(text) && looksLikeInfotext(text)) return importForeign(ctx, a1111ToRequest(text), name, []);
    const parsed = parseJsonSafely(bytes);
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
    const { document, diagnostics: found } = await importRequest(parsed.value, ctx.registry, { name });
    return printImported(ctx, document, [
      ...parsed.warnings.map((w) => fromLoadIssue(w, "warning")),
      ...found.map((d) => fromDiagnostic(d, document)),
    ]);
  },
};

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
  const document = titleNodesByPath(imported.document, maps, foreign.labels);
  const notes: CliDiagnostic[] = foreign.notes.map((n) => ({
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

/** An image: our workflow when it has one, else our request, else A1111's parameters. */
async function importImage(ctx: CommandContext, path: string, bytes: Uint8Array, name: string): Promise<number> {
  const meta = readImageMetadata(bytes);
  if (!meta.ok) throw new InputError(`cannot read ${path}: ${meta.error}`);
  const warnings: CliDiagnostic[] = meta.warnings.map((w) => ({ severity: "warning", code: "image", message: w }));
  if (meta.entries[WORKFLOW_KEYWORD] !== undefined)
    throw new InputError(
      `${path} carries a lora-graph workflow; open it in the editor, or use lora-graph compile on it`,
    );
  const request = meta.entries[REQUEST_KEYWORD];
  if (request !== undefined) {
    const parsed = parseJsonSafely(request);
    if (parsed.ok) {
      const { document, diagnostics } = await importRequest(parsed.value, ctx.registry, { name });
      return printImported(ctx, document, [...warnings, ...diagnostics.map((d) => fromDiagnostic(d, document))]);
    }
  }
  const parameters = meta.entries[PARAMETERS_KEYWORD];
  if (parameters !== undefined) return importForeign(ctx, a1111ToRequest(parameters), name, warnings);
  throw new InputError(
    `${path} carries no generation data (no A1111 parameters, fal request or lora-graph workflow)${meta.warnings.length ? `: ${meta.warnings[0]}` : ""}`,
  );
}
