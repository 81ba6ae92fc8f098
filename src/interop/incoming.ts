/**
 * One door for everything a user brings in: pasted text, a dropped file, an image. Tells what it is
 * and reads it as far as a request, so the editor and `lora-graph import` agree on every format
 * (docs/import-export.md, "One import door"). Pure; never throws, whatever the bytes.
 */
import { WORKFLOW_FORMAT, type LoadIssue } from "../graph";
import { parseJsonSafely, type SafeJsonResult } from "../graph/safeJson";
import { a1111ToRequest, looksLikeInfotext } from "./a1111";
import { detectComfy, importComfy } from "./comfyui";
import type { ForeignRequest } from "./foreign";
import {
  PARAMETERS_KEYWORD,
  REQUEST_KEYWORD,
  WORKFLOW_KEYWORD,
  readImageMetadata,
  sniffImage,
  type ImageKind,
} from "./image";

/** The text chunks ComfyUI writes into its PNGs: the API prompt it ran, and the editor's workflow. */
export const COMFY_PROMPT_KEYWORD = "prompt";
export const COMFY_WORKFLOW_KEYWORD = "workflow";

export type Incoming =
  /** A lora-graph workflow (a file, or the chunk inside one of our images): open it as it is. */
  | { kind: "workflow"; image?: ImageKind; warnings: string[] }
  /** A fal-ai/lora request (JSON, or the `fal-request` chunk of our images). */
  | { kind: "request"; json: unknown; image?: ImageKind; warnings: string[] }
  /** Another tool's data, read as a request with notes on what did not map. */
  | { kind: "foreign"; foreign: ForeignRequest; image?: ImageKind; warnings: string[] }
  /** Nothing this door knows; `error` says what was found. */
  | { kind: "unknown"; error: string; image?: ImageKind; warnings: string[]; issues?: LoadIssue[] };

/**
 * What `input` is. Text is tried as JSON (a workflow, a ComfyUI file, else a fal request), then as
 * A1111 generation data. An image's metadata is tried in the order that keeps the most: our
 * workflow, our request, ComfyUI's API prompt (what actually ran), its UI workflow, A1111's text.
 *
 * @example
 * detectIncoming("a cat\nSteps: 20, Sampler: Euler, CFG scale: 7").kind; // → "foreign"
 */
export function detectIncoming(input: string | Uint8Array): Incoming {
  return detectIncomingParsed(input).incoming;
}

/**
 * `detectIncoming`, and for a lora-graph workflow given as JSON (not an image's chunk) the tree it
 * parsed with `DEFAULT_JSON_LIMITS`, which `loadParsedWorkflow` reads as `loadWorkflow` would read
 * the same bytes: the loader worker then parses a dropped workflow once, not twice.
 */
export function detectIncomingParsed(input: string | Uint8Array): { incoming: Incoming; tree?: SafeJsonResult } {
  if (typeof input !== "string" && sniffImage(input)) return { incoming: fromImage(input) };
  // Bytes are parsed as bytes, as loadWorkflow parses a file's (and says where a byte is not UTF-8).
  if (typeof input !== "string" && JSON_START.test(textStart(input))) return fromJson(parseJsonSafely(input));
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  return JSON_START.test(text) ? fromJson(parseJsonSafely(text)) : { incoming: fromText(text) };
}

const JSON_START = /^\s*[{[]/;

/** The first characters of `bytes` as text (a BOM dropped): enough to tell JSON from other text. */
const textStart = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 64));

/** Text that is not JSON: A1111's generation data, or nothing known. */
function fromText(text: string): Incoming {
  if (looksLikeInfotext(text)) return { kind: "foreign", foreign: a1111ToRequest(text), warnings: [] };
  return {
    kind: "unknown",
    error:
      "Not something lora-graph can import: expected a fal request (JSON), A1111 generation data (with a “Steps:” line), a ComfyUI workflow or prompt, or a lora-graph workflow",
    warnings: [],
  };
}

/** What parsed JSON is; a workflow's tree comes back with it. */
function fromJson(parsed: SafeJsonResult): { incoming: Incoming; tree?: SafeJsonResult } {
  if (!parsed.ok) {
    const issues = parsed.errors.map((e) => ({
      ...e,
      message: e.message.replace(/^Not a valid pipeline file/, "Not readable JSON"),
    }));
    return { incoming: { kind: "unknown", error: issues[0].message, issues, warnings: [] } };
  }
  const json = parsed.value;
  // Most messages name their path already ("The text at $.prompt has a byte that is not UTF-8").
  const warnings = parsed.warnings.map((w) => (w.message.includes(w.path) ? w.message : `${w.message} (at ${w.path})`));
  if (isObj(json) && json.format === WORKFLOW_FORMAT) return { incoming: { kind: "workflow", warnings }, tree: parsed };
  if (detectComfy(json)) return { incoming: { kind: "foreign", foreign: importComfy(json), warnings } };
  if (isObj(json)) return { incoming: { kind: "request", json, warnings } };
  return {
    incoming: {
      kind: "unknown",
      error: "the JSON is not an object (expected a JSON object: a request, a workflow or a ComfyUI file)",
      warnings: [],
    },
  };
}

function fromImage(bytes: Uint8Array): Incoming {
  const meta = readImageMetadata(bytes);
  if (!meta.ok) return { kind: "unknown", error: `The image cannot be read: ${meta.error}`, warnings: [] };
  const { entries, kind, warnings } = meta;
  if (entries[WORKFLOW_KEYWORD] !== undefined) return { kind: "workflow", image: kind, warnings };
  const request = entries[REQUEST_KEYWORD];
  if (request !== undefined) {
    const parsed = parseJsonSafely(request);
    if (parsed.ok && isObj(parsed.value)) return { kind: "request", json: parsed.value, image: kind, warnings };
  }
  for (const key of [COMFY_PROMPT_KEYWORD, COMFY_WORKFLOW_KEYWORD]) {
    const text = entries[key];
    if (text === undefined) continue;
    const parsed = parseJsonSafely(text);
    if (parsed.ok && detectComfy(parsed.value))
      return { kind: "foreign", foreign: importComfy(parsed.value), image: kind, warnings };
  }
  const parameters = entries[PARAMETERS_KEYWORD];
  if (parameters !== undefined) return { kind: "foreign", foreign: a1111ToRequest(parameters), image: kind, warnings };
  return {
    kind: "unknown",
    error: `This ${kind.toUpperCase()} carries no generation data (no A1111 parameters, ComfyUI prompt or workflow, fal request or lora-graph workflow)${warnings.length ? `: ${warnings[0]}` : ""}`,
    image: kind,
    warnings,
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
