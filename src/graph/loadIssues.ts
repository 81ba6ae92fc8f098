/**
 * Problems found while reading a workflow file. Codes are stable (the CLI's --json output and
 * tests depend on them): add codes, never rename them.
 */
export const LOAD_ISSUE_CODES = {
  "empty-file": "The file is empty.",
  "too-large": "The file is larger than the size limit.",
  "too-deep": "The file is nested more deeply than the depth limit.",
  "too-many-nodes": "The workflow has more nodes than the node limit.",
  "too-many-edges": "The workflow has more wires than the wire limit.",
  "too-many-groups": "The workflow has more groups than the group limit.",
  "json-syntax": "The file is not valid JSON.",
  "png-file": "The file is a PNG image, not JSON.",
  "utf16-file": "The file is UTF-16 encoded; workflow files are UTF-8.",
  "binary-file": "The file holds binary data, not JSON text.",
  "not-json-data": "A value that JSON cannot hold (function, symbol, bigint, class instance).",
  "not-a-workflow": "The JSON is not a lora-graph workflow.",
  "fal-request": "The JSON is a fal-ai/lora request, not a workflow.",
  "newer-version": "The file was made by a newer lora-graph.",
  "bad-version": "The file's version is missing or not one lora-graph ever wrote.",
  "invalid-structure": "A field is missing or has the wrong type.",
  "unsafe-key": "A key such as __proto__ was dropped.",
  "invalid-utf8": "Text in the file is not valid UTF-8; the bad bytes were replaced with U+FFFD.",
  "non-finite-number": "A param held a number a workflow file cannot store (Infinity, NaN, 1e309); it was cleared.",
  "unknown-field": "A field lora-graph does not know was ignored.",
  "duplicate-node-id": "Two nodes share one id.",
  "unknown-node-type": "A node's type is not in the catalogue; the node is kept.",
  "newer-node-version": "A node was made with a newer version of its type; its params are kept as they are.",
  "migration-missing": "A node's type has no migration from the node's version.",
  "migration-failed": "A node migration threw or returned something that is not params.",
  "invalid-position": "A node position was not a pair of finite numbers and was reset to 0.",
  "invalid-viewport": "The saved viewport was unusable and was dropped.",
  "invalid-edge": "A wire was malformed, pointed at a missing node or port, or broke a wiring rule, and was dropped.",
  "duplicate-edge-id": "Two wires share one id; the later one was dropped.",
  "invalid-reroutes": "A wire's reroute points were malformed and were dropped; the wire is kept.",
  "invalid-group": "A group was malformed or repeated an id, and was dropped; its nodes are kept.",
  "component-duplicate": "Two component definitions share an id and version; the first is used.",
  "component-invalid": "A component definition is broken inside (a wire or port naming a missing node, a reserved id).",
  "component-missing": "An instance names a component definition that is neither in the file nor in the library.",
  "component-cycle": "A component contains itself, directly or through another.",
  "component-too-deep": "Components are nested deeper than the limit.",
  "component-too-large": "Once its components are opened, the pipeline has more nodes than the limit.",
  "component-hash-mismatch":
    "A component's hash does not match its content; the content is used and the hash corrected.",
  "too-many-issues": "More problems were found than are listed.",
  "internal-error": "The loader hit a bug; the message says where.",
} as const;

export type LoadIssueCode = keyof typeof LOAD_ISSUE_CODES;

export interface LoadIssue {
  code: LoadIssueCode;
  message: string;
  /** JSON path into the file as read, e.g. `$.nodes[3].params.scale`; `$` is the whole file. */
  path: string;
  nodeId?: string;
  /** Field of the node (or edge) the issue concerns, e.g. `position` or `typeVersion`. */
  field?: string;
  edgeId?: string;
}

export type PathSegment = string | number;

/**
 * A name from the file, quoted for a message: escaped, and cut short so that a megabyte-long id
 * cannot flood the UI. @example quote('a"b') // '"a\\"b"'
 */
export function quote(s: string, max = 60): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Renders a JSON path the way jq and JSONPath users read it.
 * @example jsonPath(["nodes", 3, "params", "scale"]) // "$.nodes[3].params.scale"
 * @example jsonPath(["params", "a b"])               // '$.params["a b"]'
 */
export function jsonPath(segments: readonly PathSegment[]): string {
  let out = "$";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENT.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Collects issues up to a cap so that a file with a million bad entries cannot flood memory or the UI. */
export class IssueList {
  readonly items: LoadIssue[] = [];
  private overflow = 0;
  constructor(private readonly max: number) {}
  add(issue: LoadIssue): void {
    if (this.items.length < this.max) this.items.push(issue);
    else this.overflow++;
  }
  get count(): number {
    return this.items.length + this.overflow;
  }
  /** The list, ending with a "…and N more" entry when some were left out. */
  finish(): LoadIssue[] {
    if (this.overflow === 0) return this.items;
    return [
      ...this.items,
      {
        code: "too-many-issues",
        path: "$",
        message: `…and ${this.overflow} more problem${this.overflow === 1 ? "" : "s"} not listed`,
      },
    ];
  }
}
