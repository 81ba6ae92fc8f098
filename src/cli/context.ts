/**
 * What every command gets: parsed arguments, injected I/O, the catalogue, and shared helpers
 * for reading input files.
 */
import type { ComponentDefinition, Registry, WorkflowDocument } from "../graph";
import { DEFAULT_LOAD_LIMITS, loadWorkflow } from "../graph";
import { parseJsonSafely } from "../graph/safeJson";
import { InputError, type CliIO } from "./io";
import { fromLoadIssue, type CliDiagnostic } from "./report";
import { readLibrary, workspaceDir } from "./workspace";

export interface CommandContext {
  io: CliIO;
  registry: Registry;
  /** --json: one JSON object on stdout instead of text lines. */
  json: boolean;
  positionals: string[];
  /** The command's own options, as parsed by node:util parseArgs. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** Environment variables (process.env unless injected), for commands that need settings such as a proxy URL. */
  env: Readonly<Record<string, string | undefined>>;
  /** The fetch for commands that read from the network (inspect URL); injected in tests. */
  fetch: typeof fetch;
  /** Aborted on Ctrl-C: long-running commands (run) should stop and clean up when it fires. */
  signal: AbortSignal;
  /** Aborted on SIGTERM: a batch stops sending and exits, leaving its running requests for --resume. */
  stop?: AbortSignal;
}

export interface Command {
  /** One line for --help. */
  summary: string;
  /** Arguments after the command name, e.g. "FILE". */
  usage: string;
  /** Extra help text: what is printed, and exit codes. */
  details?: string;
  /** Options beyond --json and --help, in node:util parseArgs form. */
  options?: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean; description: string }>;
  run(ctx: CommandContext): Promise<number>;
}

export const EXIT = { ok: 0, problems: 1, input: 2 } as const;

/** Exactly one FILE (or "-") argument. */
export function oneFile(ctx: CommandContext, command: string): string {
  if (ctx.positionals.length !== 1) {
    throw new InputError(
      `${command} takes one FILE (or - for standard input), got ${ctx.positionals.length}; see lora-graph ${command} --help`,
    );
  }
  return ctx.positionals[0];
}

export type LoadedWorkflow =
  { ok: true; document: WorkflowDocument; diagnostics: CliDiagnostic[] } | { ok: false; diagnostics: CliDiagnostic[] };

/** `--workspace DIR`: where instances the file has no copy of are looked up (docs/components.md). */
export const WORKSPACE_OPTION = {
  workspace: {
    type: "string",
    description: "Resolve components the file lacks from DIR/components (default: $LORA_GRAPH_WORKSPACE)",
  },
} as const;

/**
 * Reads and checks a workflow file; a file that cannot be trusted comes back as errors. Components
 * the file does not carry are taken from the workspace's library, when there is one.
 */
export async function readWorkflow(ctx: CommandContext, path: string): Promise<LoadedWorkflow> {
  const bytes = await ctx.io.read(path, DEFAULT_LOAD_LIMITS.maxBytes);
  const dir = workspaceDir(ctx);
  const library = dir ? await readLibrary(ctx, dir) : undefined;
  const r = loadWorkflow(bytes, ctx.registry, { library: library?.definitions });
  if (!r.ok) {
    const request = r.errors.some(
      (e) => e.code === "fal-request" || (e.code === "not-a-workflow" && looksLikeRequest(bytes)),
    );
    if (!request) return { ok: false, diagnostics: r.errors.map((e) => fromLoadIssue(e, "error")) };
    const what = path === "-" ? "standard input" : path;
    return {
      ok: false,
      diagnostics: [
        {
          severity: "error",
          code: "fal-request",
          message: `${what} is a fal-ai/lora request, not a workflow; convert it with: lora-graph import ${path}`,
        },
      ],
    };
  }
  return {
    ok: true,
    document: r.document,
    diagnostics: [
      ...(library?.diagnostics ?? []),
      ...r.warnings.map((w) => fromLoadIssue(w, "warning", r.document)),
      ...differsFromLibrary(r.document, library?.definitions ?? []),
    ],
  };
}

/** The file's copy is used; a library copy of the same version with other content is worth a word. */
function differsFromLibrary(doc: WorkflowDocument, library: readonly ComponentDefinition[]): CliDiagnostic[] {
  return (doc.components ?? []).flatMap((own) => {
    const lib = library.find((l) => l.id === own.id && l.version === own.version);
    if (!lib || lib.hash === own.hash) return [];
    const message = `component ${own.id}@${own.version}: the file's copy differs from the workspace library's (hash ${own.hash.slice(0, 19)}… vs ${lib.hash.slice(0, 19)}…); the file's copy is used`;
    return [{ severity: "warning" as const, code: "component-differs", message }];
  });
}

/** `{ endpoint, input }` or the compile command's own output, which the loader does not recognise. */
function looksLikeRequest(bytes: Uint8Array): boolean {
  const parsed = parseJsonSafely(bytes);
  if (!parsed.ok) return false;
  const v = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
  const input = (v as { input?: unknown } | null)?.input;
  return typeof input === "object" && input !== null && ("prompt" in input || "model_name" in input);
}
