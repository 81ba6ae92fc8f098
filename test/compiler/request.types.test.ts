/**
 * The request types node definitions write against (src/graph/request.ts) equal the ones the
 * request schema infers (src/compiler/falSchema.ts). Checked by tsc (`npm run typecheck`, in CI):
 * a field added, removed or retyped on one side only is a type error here.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  NESTED_INPUT_KEYS,
  endpointInputKeys,
  type ControlNetInput,
  type EmbeddingInput,
  type IPAdapterInput,
  type ImageToImageInput,
  type InpaintInput,
  type LoraInput,
  type LoraWeight,
} from "../../src/compiler/falSchema";
import {
  ENDPOINTS,
  REQUEST_FIELDS,
  REQUEST_LISTS,
  parseRequestPath,
  requestItemFields,
  type RequestFields,
  type RequestItems,
} from "../../src/graph";

/** Every field of the three endpoints, each as a value (an absent field is left out, never undefined). */
type AllFields = LoraInput & ImageToImageInput & InpaintInput;
type Present<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

describe("the request types in src/graph equal the schema's", () => {
  it("top-level fields", () => {
    expectTypeOf<RequestFields>().toEqualTypeOf<Present<AllFields>>();
  });

  it("list items", () => {
    expectTypeOf<RequestItems["loras"]>().toEqualTypeOf<LoraWeight>();
    expectTypeOf<RequestItems["embeddings"]>().toEqualTypeOf<EmbeddingInput>();
    expectTypeOf<RequestItems["controlnets"]>().toEqualTypeOf<ControlNetInput>();
    expectTypeOf<RequestItems["ip_adapter"]>().toEqualTypeOf<IPAdapterInput>();
  });

  it("the check can fail", () => {
    // @ts-expect-error a field the schema does not have
    expectTypeOf<RequestFields & { strength: number }>().toEqualTypeOf<Present<AllFields>>();
    // @ts-expect-error a field typed differently
    expectTypeOf<Omit<RequestItems["loras"], "scale"> & { scale?: string }>().toEqualTypeOf<LoraWeight>();
  });

  it("the runtime key lists are the schema's", () => {
    const schemaTop = new Set(ENDPOINTS.flatMap(endpointInputKeys));
    expect(new Set(REQUEST_FIELDS)).toEqual(schemaTop);
    for (const list of REQUEST_LISTS) expect(requestItemFields(list), list).toEqual([...NESTED_INPUT_KEYS[list]]);
  });
});

describe("parseRequestPath", () => {
  it("reads top-level fields and list item fields", () => {
    expect(parseRequestPath("guidance_scale")).toEqual({ field: "guidance_scale" });
    expect(parseRequestPath("controlnets[].image_url")).toEqual({ list: "controlnets", field: "image_url" });
  });

  it("says what is wrong with a path that is not one", () => {
    expect(parseRequestPath("guidance")).toBe("guidance is not a field of a fal-ai/lora request");
    expect(parseRequestPath("loras")).toBe("loras is a list: name a field of its items, e.g. loras[].path");
    expect(parseRequestPath("loras[].weight")).toBe("loras items have no field weight (they have path, scale)");
    expect(parseRequestPath("seeds[].x")).toMatch(/^seeds is not a list of the request \(lists: loras, /);
  });
});
