/** Measured node sizes (from xyflow), kept outside the document: layout needs them, saving does not. */
export const nodeSizes = new Map<string, { width: number; height: number }>();
