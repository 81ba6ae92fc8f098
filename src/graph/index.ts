export * from "./ports";
export * from "./params";
export * from "./diagnostics";
export * from "./document";
export * from "./defineNode";
export * from "./registry";
export * from "./canConnect";
export * from "./urls";
