export * from "./createEditorStore";
export * from "./clipboard";
export * from "./editor";
export * from "./ids";
export * from "./nodeIndex";
export * from "./uiStore";
