// Entry of the stand-in's worker thread (see workers.ts). Worker threads do not inherit the
// parent's module loaders, so TypeScript support is registered here before the real entry loads.
import { register } from "tsx/esm/api";

register();
await import("./workerEntry.ts");
