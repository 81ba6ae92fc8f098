/**
 * Changing components: extract and inline (./extract.ts), versions and updates
 * (./componentVersions.ts). Not in the graph's index: what imports the index (the editor's first
 * load among them) does not need these, and a module the index reaches lands in the editor's entry
 * chunk (docs/codebase.md#the-first-load).
 */
export * from "./extract";
export * from "./componentVersions";
