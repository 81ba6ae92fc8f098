/**
 * `lora-graph component extract|inline|list|publish`: components from the shell
 * (docs/components.md). extract and inline print the changed workflow; list and publish work on
 * the workspace's library.
 */
import {
  instanceRef,
  serializeWorkflow,
  usedComponents,
  type ComponentDefinition,
  type WorkflowDocument,
} from "../../graph";
import { extractComponent, inlineAll, inlineInstance } from "../../graph/componentEdits";
import { EXIT, readWorkflow, WORKSPACE_OPTION, type Command, type CommandContext } from "../context";
import { InputError } from "../io";
import { formatDiagnostic, hasError, type CliDiagnostic } from "../report";
import { inline } from "../terminal";
import { readLibrary, workspaceDir, writeComponentFile } from "../workspace";

const SUBCOMMANDS = ["extract", "inline", "list", "publish"] as const;

export const componentCommand: Command = {
  summary: "Make, open, list and publish components",
  usage: "extract FILE --nodes ID,ID… --name NAME | inline FILE [--id ID] | list | publish FILE [--id ID]",
  details: [
    "extract  prints the workflow with those nodes replaced by one instance of a new component.",
    "inline   prints the workflow with instance ID (default: every instance) opened up.",
    "list     prints the workspace's components: id@version, title, file.",
    "publish  copies the file's component definitions (or ID's) into the workspace's components/.",
    "The workspace is --workspace DIR, else $LORA_GRAPH_WORKSPACE, else ./workspace.",
    "Exit 0 ok, 1 when it cannot be done (the reason is printed), 2 on a usage error or unreadable FILE.",
  ].join("\n"),
  options: {
    nodes: { type: "string", description: "extract: the node ids, comma-separated" },
    name: { type: "string", description: "extract: the component's title (its id is local/<name>)" },
    id: { type: "string", description: "inline: the instance to open; publish: the component id" },
    ...WORKSPACE_OPTION,
  },
  async run(ctx) {
    const [sub, ...files] = ctx.positionals;
    if (!(SUBCOMMANDS as readonly string[]).includes(sub ?? ""))
      throw new InputError(`component needs one of ${SUBCOMMANDS.join(", ")}; see lora-graph component --help`);
    if (sub === "list") return list(ctx, files);
    if (files.length !== 1)
      throw new InputError(
        `component ${sub} takes one FILE (or -), got ${files.length}; see lora-graph component --help`,
      );
    const loaded = await readWorkflow(ctx, files[0]);
    for (const d of loaded.diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
    if (!loaded.ok) return EXIT.input;
    if (sub === "extract") return extract(ctx, loaded.document);
    if (sub === "inline") return inlineCommand(ctx, loaded.document);
    return publish(ctx, loaded.document);
  },
};

const stringOption = (ctx: CommandContext, name: string) =>
  typeof ctx.values[name] === "string" ? (ctx.values[name] as string) : undefined;

function fail(ctx: CommandContext, code: string, message: string): number {
  const d: CliDiagnostic = { severity: "error", code, message };
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ diagnostics: [d] }, null, 2)}\n`);
  else ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  return EXIT.problems;
}

function extract(ctx: CommandContext, doc: WorkflowDocument): number {
  const nodes = stringOption(ctx, "nodes");
  const name = stringOption(ctx, "name");
  if (!nodes || !name?.trim())
    throw new InputError("component extract needs --nodes ID,ID… and --name NAME; see lora-graph component --help");
  const ids = nodes
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const r = extractComponent(doc, ids, { name: name.trim() }, ctx.registry);
  if (!r.ok) return fail(ctx, "cannot-extract", `cannot make a component of ${ids.join(", ")}: ${r.reason}`);
  ctx.io.stdout(serializeWorkflow(r.document));
  return EXIT.ok;
}

function inlineCommand(ctx: CommandContext, doc: WorkflowDocument): number {
  const id = stringOption(ctx, "id");
  if (id !== undefined) {
    const node = doc.nodes.find((n) => n.id === id);
    if (!node || !instanceRef(node)) return fail(ctx, "not-an-instance", `there is no component instance "${id}"`);
    const out = inlineInstance(doc, id);
    if (!out)
      return fail(ctx, "component-missing", `instance "${id}" names ${node.type}, which the file does not carry`);
    ctx.io.stdout(serializeWorkflow(out));
    return EXIT.ok;
  }
  const out = inlineAll(doc);
  if ("error" in out) return fail(ctx, "component-invalid", out.error);
  ctx.io.stdout(serializeWorkflow(out));
  return EXIT.ok;
}

async function list(ctx: CommandContext, extra: string[]): Promise<number> {
  if (extra.length) throw new InputError("component list takes no FILE; it lists the workspace");
  const dir = workspaceDir(ctx, "workspace")!;
  const library = await readLibrary(ctx, dir);
  for (const d of library.diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  const rows = library.files.map(({ name, file }) => ({
    id: file.definition.id,
    version: file.definition.version,
    title: file.definition.title,
    description: file.definition.description,
    hash: file.definition.hash,
    file: name,
  }));
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ components: rows, diagnostics: library.diagnostics }, null, 2)}\n`);
  else
    for (const r of rows) ctx.io.stdout(`${inline(`${r.id}@${r.version}`)}  ${inline(r.title)}  ${inline(r.file)}\n`);
  return hasError(library.diagnostics) ? EXIT.problems : EXIT.ok;
}

async function publish(ctx: CommandContext, doc: WorkflowDocument): Promise<number> {
  const id = stringOption(ctx, "id");
  const defs = (doc.components ?? []).filter((d) => id === undefined || d.id === id);
  if (defs.length === 0)
    return fail(ctx, "component-missing", id ? `the file has no component "${id}"` : "the file has no components");
  const dir = workspaceDir(ctx, "workspace")!;
  const library = await readLibrary(ctx, dir);
  const written: string[] = [];
  for (const def of defs) {
    const same = library.definitions.find((l) => l.id === def.id && l.version === def.version);
    if (same && same.hash !== def.hash)
      return fail(
        ctx,
        "version-taken",
        `the workspace already has ${def.id}@${def.version} with other content; give this one a new version`,
      );
    written.push(await writeComponentFile(dir, { definition: def, uses: usesOf(def, doc.components ?? []) }));
  }
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ written }, null, 2)}\n`);
  else for (const w of written) ctx.io.stdout(`${inline(w)}\n`);
  return EXIT.ok;
}

/** The definitions `def` uses, nested ones included. */
function usesOf(def: ComponentDefinition, all: readonly ComponentDefinition[]): ComponentDefinition[] {
  return usedComponents(def.nodes, all) ?? [];
}
