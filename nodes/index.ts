import { createRegistry, indexedRegistry, type NodeDefinition } from "../src/graph";
import { baseModel } from "./base_model/definition";
import { lora } from "./lora/definition";
import { embedding } from "./embedding/definition";
import { prompt } from "./prompt/definition";
import { controlnet } from "./controlnet/definition";
import { ipAdapter } from "./ip_adapter/definition";
import { imageEncoder } from "./image_encoder/definition";
import { icLight } from "./ic_light/definition";
import { image } from "./image/definition";
import { scheduler } from "./scheduler/definition";
import { sampler } from "./sampler/definition";
import { note } from "./note/definition";

/** Every node type, in palette order. Registered explicitly: no import side effects. */
export const allNodes: readonly NodeDefinition<any>[] = [
  baseModel,
  lora,
  embedding,
  ipAdapter,
  imageEncoder,
  icLight,
  prompt,
  controlnet,
  image,
  scheduler,
  sampler,
  note,
];

/**
 * The catalogue. Registration checks it (src/graph/nodeCheck.ts) everywhere but in the editor's
 * build, whose catalogue cannot change once built: the unit tests, the dev server, the CLI and
 * the server check this same array at load, and the checks' code stays out of the editor's first
 * load (docs/codebase.md#the-first-load).
 */
export const registry = import.meta.env?.PROD ? indexedRegistry(allNodes) : createRegistry(allNodes);
