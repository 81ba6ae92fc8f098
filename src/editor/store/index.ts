export * from "./createEditorStore";
export * from "./copy";
export * from "./editor";
export * from "./ids";
export * from "./nodeIndex";
export * from "./uiStore";
