/**
 * Finds code that names a node type by its string ("lora", "prompt"), read from the syntax tree
 * so comments and unrelated strings never count. A node type is named where its string is used
 * as one:
 * - compared with a `type`: `node.type === "lora"`, `case "lora":` in `switch (node.type)`;
 * - written as a node's type: `{ type: "lora" }`, `{ nodeType: "lora" }`, `<Node type="lora" />`;
 * - kept for later: `const SAMPLER = "sampler"`, `function f(t = "lora")` (strings that mean
 *   nothing else only);
 * - looked up by it: `registry.get("lora")`, `store.addNode("lora", …)`;
 * - listed in a table of types: `new Set(["controlnet"])`, `["lora", …].includes(…)`, a list of
 *   two or more types (or of tuples that start with them), or keys of an object literal that is
 *   a table: two or more type keys (`{ lora: …, sampler: … }`) or one in an object declared as a
 *   `Record<…>`.
 *
 * Some type strings are also the names of other things: "prompt" and "scheduler" are request
 * fields, "image" is a port kind and a widget kind. In the first three uses the context says it is a
 * node type whatever the string; tables and keys count only strings that are nothing else, so
 * `PORT_KINDS` or a request's `{ prompt: … }` are not reports.
 */
import ts from "typescript";

export interface TypeMention {
  file: string;
  line: number;
  type: string;
  /** The code around it, for the message. */
  code: string;
}

const COMPARE = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** `x.type`, `x?.type` or a bare `type`. */
function isTypeRef(e: ts.Expression): boolean {
  const inner = ts.isParenthesizedExpression(e) ? e.expression : e;
  if (ts.isIdentifier(inner)) return inner.text === "type";
  return ts.isPropertyAccessExpression(inner) && inner.name.text === "type";
}

/** `registry.get`, `store.registry.getOrThrow`, `…addNode`. */
function isTypeLookup(callee: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const name = callee.name.text;
  if (name === "addNode") return true;
  if (name !== "get" && name !== "getOrThrow") return false;
  const recv = callee.expression;
  const last = ts.isPropertyAccessExpression(recv) ? recv.name.text : ts.isIdentifier(recv) ? recv.text : "";
  return /registry$/i.test(last);
}

const unwrap = (n: ts.Node): ts.Node =>
  ts.isAsExpression(n) || ts.isSatisfiesExpression(n) || ts.isParenthesizedExpression(n) ? unwrap(n.parent) : n;

/** An array literal used as a set of things: `new Set([…])`, `new Map([[…]])`, `[…].includes(x)`. */
function isTable(arr: ts.ArrayLiteralExpression): boolean {
  // A Map's entries are tuples: the key sits one array deeper.
  const list = ts.isArrayLiteralExpression(arr.parent) ? arr.parent : arr;
  const p = unwrap(list.parent);
  if (ts.isNewExpression(p) && ts.isIdentifier(p.expression))
    return p.expression.text === "Set" || p.expression.text === "Map";
  const q = unwrap(arr.parent);
  return ts.isPropertyAccessExpression(q) && ["includes", "indexOf"].includes(q.name.text);
}

/** An object literal declared as a lookup table: `const X: Record<string, …> = {…}`, `{…} satisfies Record<…>`. */
function isRecord(obj: ts.ObjectLiteralExpression): boolean {
  const p = obj.parent;
  const type =
    ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)
      ? p.type
      : ts.isSatisfiesExpression(p) || ts.isAsExpression(p)
        ? p.type
        : undefined;
  return type !== undefined && /\bRecord</.test(type.getText());
}

/** The strings an array holds, or its tuples start with: `["a", "b"]`, `[["a", 1], ["b", 2]]`. */
function tableKeys(arr: ts.ArrayLiteralExpression): string[] {
  const list = ts.isArrayLiteralExpression(arr.parent) ? arr.parent : arr;
  return list.elements.flatMap((e) => {
    const first = ts.isArrayLiteralExpression(e) ? e.elements[0] : e;
    return first && ts.isStringLiteralLike(first) ? [first.text] : [];
  });
}

/** How the literal `lit` is used, if it names a node type there. */
function namesType(lit: ts.StringLiteralLike, types: ReadonlySet<string>, plain: ReadonlySet<string>): boolean {
  const p = lit.parent;
  if (ts.isBinaryExpression(p) && COMPARE.has(p.operatorToken.kind))
    return isTypeRef(p.left === lit ? p.right : p.left);
  if (ts.isPropertyAssignment(p) && p.initializer === lit)
    return (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && /(^|[a-z])[tT]ype$/.test(p.name.text);
  if (ts.isJsxAttribute(p) && p.initializer === lit) return /(^|[a-z])[tT]ype$/.test(p.name.getText());
  // A type string kept in a constant or a default (`const SAMPLER = "sampler"`) to compare with later.
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p)) && p.initializer === lit)
    return plain.has(lit.text);
  if (ts.isCaseClause(p) && p.expression === lit) return isTypeRef(p.parent.parent.expression);
  if (ts.isCallExpression(p) && p.arguments[0] === lit) return isTypeLookup(p.expression);
  if (ts.isArrayLiteralExpression(p)) {
    // One plain type string in a set, or a list of several type strings at least one of which is plain.
    if (!plain.has(lit.text)) return false;
    return isTable(p) || tableKeys(p).filter((k) => types.has(k)).length >= 2;
  }
  return false;
}

/**
 * Every place in `source` that names one of `types`. `plain` are the type strings that mean
 * nothing else (no request field, port kind or widget kind of that name): only they count in
 * tables and as object keys.
 */
export function findTypeMentions(
  file: string,
  source: string,
  types: ReadonlySet<string>,
  plain: ReadonlySet<string>,
): TypeMention[] {
  const sf = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out: TypeMention[] = [];
  const report = (node: ts.Node, type: string) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
    out.push({ file, line: line + 1, type, code: source.split("\n")[line].trim() });
  };
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && types.has(node.text)) {
      if (namesType(node, types, plain)) report(node, node.text);
    } else if (ts.isObjectLiteralExpression(node)) {
      const keys = node.properties.flatMap((prop) => {
        const name = prop.name;
        return name && (ts.isIdentifier(name) || ts.isStringLiteral(name)) && plain.has(name.text) ? [name] : [];
      });
      if (keys.length >= 2 || (keys.length === 1 && isRecord(node))) for (const k of keys) report(k, k.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
