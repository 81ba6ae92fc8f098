import {
  describeLora,
  FAMILY_LABELS,
  headerReport,
  type LoraInfo,
  type SafetensorsHeader,
} from "../../interop/safetensors";
import { formatBytes } from "../../graph/safeJson";
import { EXIT, oneFile, type Command } from "../context";
import { isUrl, readLocalHeader, readRemoteHeader, type HeaderSource } from "../loraHeader";
import { formatDiagnostic, type CliDiagnostic } from "../report";
import { inline } from "../terminal";

export const inspectCommand: Command = {
  summary: "Show what a LoRA's .safetensors header says: family, rank, alpha, trigger words",
  usage: "FILE|URL",
  details: [
    "Reads only the header: from a file (or - for standard input), or from an https URL on",
    "huggingface.co, civitai.com or fal's media hosts with Range requests (redirects are checked",
    "against the same list). A Hugging Face repository (https://huggingface.co/owner/repo) or file",
    "page is read as the one LoRA file it holds, when there is only one. Prints family, rank, alpha,",
    "trigger words and title; with --json,",
    "stdout holds those and the raw __metadata__.",
    "Exit 0 when the header was read cleanly, 1 when it was read but parts were refused (unsafe",
    "keys, a thumbnail that is not an image), 2 when it is not a readable safetensors header or",
    "cannot be fetched.",
  ].join("\n"),
  async run(ctx) {
    const target = oneFile(ctx, "inspect");
    const read: HeaderSource = isUrl(target)
      ? await readRemoteHeader(ctx.fetch, target, ctx.signal)
      : await readLocalHeader(ctx.io, target);
    if (!read.result.ok) {
      const d: CliDiagnostic = {
        severity: "error",
        code: read.result.code,
        message: `${target === "-" ? "standard input" : target} is not a readable safetensors file: ${read.result.message}`,
      };
      if (ctx.json) ctx.io.stdout(`${JSON.stringify({ diagnostics: [d] }, null, 2)}\n`);
      else ctx.io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.input;
    }
    const header = read.result.header;
    const report = headerReport(read, header);
    const diagnostics: CliDiagnostic[] = report.diagnostics;
    if (ctx.json) ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      ctx.io.stdout(describe(read, header, describeLora(header)));
      for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
    }
    return diagnostics.length ? EXIT.problems : EXIT.ok;
  },
};

function familyLine(info: LoraInfo): string {
  const label = FAMILY_LABELS[info.family];
  switch (info.familySource) {
    case "none":
      return `${label} (the header says nothing about it: compatibility cannot be checked)`;
    case "tensor names":
      return `${label} (inferred from the tensor names)`;
    case "kohya metadata":
      return `${label} (kohya metadata without a version, read as SD1 as A1111 does)`;
    default:
      return `${label} (${info.familySource}: ${inline(info.familyEvidence ?? "")})`;
  }
}

/** The human report; every value from the file goes through inline(), so none can drive the terminal. */
function describe(read: HeaderSource, header: SafetensorsHeader, info: LoraInfo): string {
  const rows: [string, string][] = [
    // A Hugging Face repository or page: the file it stands for, which is what was read.
    ...(read.resolved ? [["file", inline(read.resolved)] as [string, string]] : []),
    ["family", familyLine(info)],
    ["rank", info.rank !== undefined ? String(info.rank) : "unknown"],
    ["alpha", info.alpha !== undefined ? String(info.alpha) : "unknown"],
    [
      "trigger words",
      info.triggerWords.length
        ? `${info.triggerWords.map(inline).join(", ")}  (${info.triggerSource === "modelspec.trigger_phrase" ? "modelspec.trigger_phrase" : "most frequent training tags"})`
        : "none in the metadata",
    ],
  ];
  if (info.title) rows.push(["title", inline(info.title)]);
  if (info.trainedOn) rows.push(["trained on", inline(info.trainedOn)]);
  if (info.thumbnail) rows.push(["thumbnail", `${info.thumbnail.type}, ${formatBytes(info.thumbnail.bytes)}`]);
  const keys = Object.keys(header.metadata).length;
  rows.push([
    "header",
    `${header.tensors.size} tensors, ${formatBytes(header.headerLength)}${read.size !== undefined ? ` of ${formatBytes(read.size)}` : ""}; ${keys} metadata ${keys === 1 ? "key" : "keys"} (--json prints them)`,
  ]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${read.source === "-" ? "standard input" : inline(read.source)}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}\n`;
}
