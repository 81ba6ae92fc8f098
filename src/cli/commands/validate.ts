import { compile } from "../../compiler";
import { EXIT, oneFile, readWorkflow, WORKSPACE_OPTION, type Command } from "../context";
import { formatDiagnostic, fromDiagnostic, hasError } from "../report";

export const validateCommand: Command = {
  summary: "Check a workflow and print its problems",
  usage: "FILE",
  details: [
    "Prints one line per problem on stdout (nothing when there is none):",
    "  error <code> node <id> (<type>) field <name>: <message>",
    "With --json, stdout holds { diagnostics }.",
    "Exit 0 when there is no error (warnings allowed), 1 when there is one, 2 when FILE is unreadable.",
  ].join("\n"),
  options: { ...WORKSPACE_OPTION },
  async run(ctx) {
    const path = oneFile(ctx, "validate");
    const loaded = await readWorkflow(ctx, path);
    const diagnostics = loaded.ok
      ? [
          ...loaded.diagnostics,
          ...compile(loaded.document, ctx.registry).diagnostics.map((d) => fromDiagnostic(d, loaded.document)),
        ]
      : loaded.diagnostics;
    if (ctx.json) ctx.io.stdout(`${JSON.stringify({ diagnostics }, null, 2)}\n`);
    else for (const d of diagnostics) ctx.io.stdout(`${formatDiagnostic(d)}\n`);
    if (!loaded.ok) return EXIT.input;
    return hasError(diagnostics) ? EXIT.problems : EXIT.ok;
  },
};
