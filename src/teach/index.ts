/**
 * Teaching features, pure TypeScript: noise schedules, the denoising timeline, prompt-weight
 * analysis, sweeps with contact-sheet geometry, and plain-words request diffs. Depends only on
 * src/graph and the compiler's public API; the editor draws what these compute.
 */
export * from "./schedules";
export * from "./timeline";
export * from "./promptWeights";
export * from "./sweep";
export * from "./diffRequests";
export { shortModelName, nodeDisplayName } from "./names";
