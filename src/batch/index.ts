/**
 * Batches, pure TypeScript: wildcards, CSV and JSON-lines tables, `node.param` paths, and the plan
 * that turns them into numbered runs (docs/batches.md). The editor and the CLI run what this plans.
 */
export * from "./wildcards";
export * from "./random";
export * from "./table";
export * from "./paramPath";
export * from "./plan";
