/**
 * `lora-graph`: compile, import and validate pipelines from the shell.
 *
 * Exit codes: 0 success, 1 the pipeline or request has errors, 2 usage error or unreadable input.
 * Nothing here throws to the caller and nothing prints a stack trace.
 */
import { parseArgs } from "node:util";
import type { Registry } from "../graph";
import { registry as defaultRegistry } from "../../nodes";
import { compileCommand } from "./commands/compile";
import { importCommand } from "./commands/import";
import { validateCommand } from "./commands/validate";
import { runCommand } from "./run";
import { explainCommand } from "./explain";
import { inspectCommand } from "./commands/inspect";
import { componentCommand } from "./commands/component";
import { EXIT, type Command, type CommandContext } from "./context";
import { InputError, nodeIO, type CliIO } from "./io";
import { formatDiagnostic, type CliDiagnostic } from "./report";
import { inline, terminalSafeIO } from "./terminal";

export type { Command, CommandContext } from "./context";
export type { CliIO } from "./io";

/**
 * Every command, in --help order. A new command is a module exporting a {@link Command} plus one
 * line here.
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  compile: compileCommand,
  import: importCommand,
  validate: validateCommand,
  run: runCommand,
  explain: explainCommand,
  inspect: inspectCommand,
  component: componentCommand,
};

const COMMON_OPTIONS = {
  json: { type: "boolean", description: "Machine-readable output: one JSON object on stdout" },
  help: { type: "boolean", short: "h", description: "Show help" },
} as const;

export interface RunOptions {
  io?: CliIO;
  registry?: Registry;
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** SIGTERM: see CommandContext.stop. */
  stop?: AbortSignal;
  fetch?: typeof fetch;
}

function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    "lora-graph: compile, import and check fal-ai/lora pipelines",
    "",
    "Usage: lora-graph <command> [options] FILE     (FILE may be - for standard input)",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    "  --json      Machine-readable output: one JSON object on stdout",
    "  -h, --help  Show help (lora-graph <command> --help for a command's own)",
    "",
    "Exit codes: 0 ok, 1 the pipeline has errors, 2 usage error or unreadable file.",
    "",
  ].join("\n");
}

function commandHelp(name: string, c: Command): string {
  const options = { ...(c.options ?? {}), ...COMMON_OPTIONS } as Record<
    string,
    { short?: string; description: string }
  >;
  return [
    `lora-graph ${name}: ${c.summary}`,
    "",
    `Usage: lora-graph ${name} [options] ${c.usage}`,
    ...(c.details ? ["", c.details] : []),
    "",
    "Options:",
    ...Object.entries(options).map(
      ([k, o]) => `  ${`${o.short ? `-${o.short}, ` : ""}--${k}`.padEnd(12)}  ${o.description}`,
    ),
    "",
  ].join("\n");
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code.
 * @example
 * const out: string[] = [];
 * const code = await run(["compile", "pipe.json"], { io: { stdout: (s) => out.push(s), stderr: () => {}, read } });
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  // Every command writes through this: no byte of a node id, label or answer can drive the terminal.
  const io = terminalSafeIO(options.io ?? nodeIO);
  const wantsJson = argv.includes("--json");
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      (name === undefined ? io.stderr : io.stdout)(generalHelp());
      return name === undefined ? EXIT.input : EXIT.ok;
    }
    if (!Object.hasOwn(COMMANDS, name)) {
      throw new InputError(
        name.startsWith("-")
          ? `expected a command before ${name}; see lora-graph --help`
          : `unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(", ")}`,
      );
    }
    const command = COMMANDS[name];
    let parsed;
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...stripDescriptions(command.options ?? {}), ...stripDescriptions(COMMON_OPTIONS) },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      // node's message goes on about "--" for positionals; its first sentence is the point.
      const first = (err as Error).message.split(/\.\s/)[0].replace(/\.$/, "");
      throw new InputError(`${first}; see lora-graph ${name} --help`);
    }
    if (parsed.values.help) {
      io.stdout(commandHelp(name, command));
      return EXIT.ok;
    }
    const ctx: CommandContext = {
      io,
      registry: options.registry ?? defaultRegistry,
      json: parsed.values.json === true,
      positionals: parsed.positionals,
      values: parsed.values as CommandContext["values"],
      env: options.env ?? process.env,
      signal: options.signal ?? new AbortController().signal,
      stop: options.stop,
      fetch: options.fetch ?? globalThis.fetch,
    };
    return await command.run(ctx);
  } catch (err) {
    const usage = err instanceof InputError;
    const d: CliDiagnostic = {
      severity: "error",
      code: usage ? "usage" : "internal-error",
      message: usage ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`,
    };
    const more = usage ? err.more : [];
    if (wantsJson)
      io.stdout(`${JSON.stringify({ diagnostics: [{ ...d, message: [d.message, ...more].join("\n") }] }, null, 2)}\n`);
    else {
      io.stderr(`lora-graph: ${inline(d.message)}\n`);
      for (const line of more) io.stderr(`${inline(line)}\n`);
    }
    return EXIT.input;
  }
}

function stripDescriptions<T extends Record<string, { description: string }>>(opts: T) {
  return Object.fromEntries(Object.entries(opts).map(([k, { description: _, ...o }]) => [k, o])) as Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  >;
}

export { formatDiagnostic };
