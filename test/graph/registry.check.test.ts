/**
 * Registration checks the definitions (chaiNNer's node_check): a catalogue whose parts disagree
 * fails at load with a message naming the node type and what is wrong.
 */
import { describe, expect, it } from "vitest";
import { createRegistry, defineNode, indexedRegistry, param, type NodeDefinition } from "../../src/graph";

const model = { name: "Model", color: "#a78bfa" };

/** A small valid node; each test breaks one thing in a copy of it. */
function node(overrides: Partial<NodeDefinition> = {}): NodeDefinition {
  return defineNode({
    type: "thing",
    version: 1,
    title: "Thing",
    category: model,
    description: "A node for registry tests.",
    inputs: [{ id: "model", kind: "model", label: "Model" }],
    outputs: [{ id: "model", kind: "model", label: "Model" }],
    params: { scale: param.float({ label: "Scale", description: "How much.", default: 1 }) },
    ...overrides,
  }) as NodeDefinition;
}

describe("categories are data", () => {
  it("lists the categories in the order their first node type appears", () => {
    const image = { name: "Image", color: "#38bdf8" };
    const r = createRegistry([
      node({ type: "a", category: image }),
      node({ type: "b", category: model }),
      node({ type: "c", category: { ...image } }),
    ]);
    expect(r.categories().map((c) => c.name)).toEqual(["Image", "Model"]);
    expect(r.categories()[0].color).toBe("#38bdf8");
  });

  it("refuses one category name with two colours", () => {
    expect(() =>
      createRegistry([node({ type: "a" }), node({ type: "b", category: { name: "Model", color: "#000000" } })]),
    ).toThrow('Node type "b": category "Model" is #000000 here but #a78bfa on an earlier node type');
  });

  it("refuses a colour that is not a hex colour, and a category without a name", () => {
    expect(() => createRegistry([node({ category: { name: "Model", color: "purple" } })])).toThrow(
      'Node type "thing": category "Model" has colour "purple", not a hex colour',
    );
    expect(() => createRegistry([node({ category: { name: " ", color: "#fff" } })])).toThrow(
      'Node type "thing": its category needs a name',
    );
  });
});

describe("ports", () => {
  it("refuses a duplicate type and two ports of one id", () => {
    expect(() => createRegistry([node(), node()])).toThrow('Duplicate node type "thing"');
    expect(() =>
      createRegistry([
        node({
          inputs: [
            { id: "model", kind: "model", label: "Model" },
            { id: "model", kind: "image", label: "Image" },
          ],
        }),
      ]),
    ).toThrow('Node type "thing" has two ports "model"');
  });
});

/** An Image-like source, so a port that declares a request path has something to rebuild it from. */
const picture = (overrides: Partial<NodeDefinition> = {}) =>
  node({
    type: "picture",
    inputs: [],
    outputs: [{ id: "image", kind: "image", label: "Image", carries: "url" }],
    params: { url: param.string({ label: "URL", description: "Where." }) },
    ...overrides,
  });

describe("the definition's own parts agree", () => {
  it.each<[string, Partial<NodeDefinition>, string]>([
    ["a type that is not lower_snake_case", { type: "My Node" }, 'Node type "My Node": a type is lower_snake_case'],
    ["a version below 1", { version: 0 }, 'Node type "thing": version must be a whole number ≥ 1, got 0'],
    ["an inert output", { isOutput: true, inert: true }, 'Node type "thing": an output node cannot be inert'],
    [
      "a migration out of order",
      {
        version: 3,
        migrations: [
          { from: 2, name: "b", up: (p) => p },
          { from: 1, name: "a", up: (p) => p },
        ],
      },
      'Node type "thing": migration "a" from version 1 is out of order',
    ],
    [
      "a migration from the current version",
      { version: 2, migrations: [{ from: 2, name: "late", up: (p) => p }] },
      'migration "late" from version 2 is out of order',
    ],
    [
      "an explainer for a param it does not have",
      { explain: { summary: "x", params: { strength: "How strong." } } },
      'Node type "thing": explain.params names "strength", which is not one of its params',
    ],
    [
      "a port of an unknown kind",
      { inputs: [{ id: "latent", kind: "latent" as never, label: "Latent" }] },
      'Node type "thing": input "latent" has kind "latent", not one of model, conditioning',
    ],
    [
      "an output that declares a request path",
      { outputs: [{ id: "model", kind: "model", label: "Model", request: "model_name" }] },
      'Node type "thing": output "model" declares request, which only inputs have',
    ],
    [
      "an output that carries a param it does not have",
      { outputs: [{ id: "model", kind: "model", label: "Model", carries: "path" }] },
      'Node type "thing": output "model" carries "path", which is not one of its params',
    ],
    [
      "an input that carries a param",
      { inputs: [{ id: "model", kind: "model", label: "Model", carries: "scale" }] },
      'Node type "thing": input "model" declares carries, which only outputs have',
    ],
    [
      "an index sent under no request path",
      { inputs: [{ id: "link", kind: "ip_adapter", label: "Link", sendsIndex: true }] },
      'Node type "thing": input "link" sends an index but declares no request path to send it as',
    ],
    [
      "a listParam on a single input",
      { inputs: [{ id: "refs", kind: "image", label: "Refs", listParam: "scale" }] },
      'Node type "thing": input "refs" has a listParam but takes only one wire',
    ],
    [
      "a listParam that is not an on/off param",
      { inputs: [{ id: "refs", kind: "image", label: "Refs", multiple: true, listParam: "scale" }] },
      'Node type "thing": input "refs": listParam "scale" is not an on/off param of this node',
    ],
    [
      "a default its own schema refuses",
      { params: { scale: param.float({ label: "Scale", description: "How much.", default: 5, max: 2 }) } },
      'Node type "thing": param "scale" has default 5, which it refuses: must be at most 2',
    ],
  ])("refuses %s", (_, overrides, message) => {
    expect(() => createRegistry([node(overrides)])).toThrow(message);
  });
});

describe("declared request paths agree with the request and with the params", () => {
  const scale = (request: string) =>
    ({ scale: param.float({ label: "Scale", description: "How much.", request: request as never }) }) as const;

  it.each<[string, Partial<NodeDefinition>, string]>([
    [
      "a path that is not a request field",
      { params: scale("strength") },
      'Node type "thing": param "scale" declares request path "strength": strength is not a field of a fal-ai/lora request',
    ],
    [
      "a whole list as a path",
      { params: scale("loras") },
      'param "scale" declares request path "loras": loras is a list: name a field of its items, e.g. loras[].path',
    ],
    [
      "a list item field that does not exist",
      { params: scale("loras[].weight") },
      'param "scale" declares request path "loras[].weight": loras items have no field weight (they have path, scale)',
    ],
    [
      "a param named unlike its request field",
      { params: scale("guidance_scale") },
      'Node type "thing": param "scale" is sent as "guidance_scale": a param carries its request field\'s name, so call it "guidance_scale"',
    ],
    [
      "paths into two lists",
      {
        params: {
          scale: param.float({ label: "Scale", description: "How much.", request: "loras[].scale" }),
          path: param.string({ label: "Path", description: "Which.", request: "embeddings[].path" }),
        },
      },
      'Node type "thing": its request paths name two lists (loras, embeddings); one node appends one item',
    ],
    [
      "an input path that is not a request field",
      { inputs: [{ id: "image", kind: "image", label: "Image", request: "init_image" as never }] },
      'Node type "thing": input "image" declares request path "init_image": init_image is not a field',
    ],
  ])("refuses %s", (_, overrides, message) => {
    expect(() => createRegistry([node(overrides), picture()])).toThrow(message);
  });

  it("refuses two node types sending one request path", () => {
    const a = node({ type: "a", params: scale("loras[].scale") });
    const b = node({ type: "b", params: scale("loras[].scale") });
    expect(() => createRegistry([a, b])).toThrow(
      'Node type "b": param "scale" is sent as "loras[].scale", which param "scale" of "a" already sends',
    );
  });

  it("refuses two node types appending to one list", () => {
    const a = node({ type: "a", params: scale("loras[].scale") });
    const b = node({
      type: "b",
      params: { path: param.string({ label: "Path", description: "Which.", request: "loras[].path" }) },
    });
    expect(() => createRegistry([a, b])).toThrow(
      'Node type "b": it appends to loras, which "a" already does; one node type makes the items of a list',
    );
  });

  it("refuses a port value that no node type can send", () => {
    const cn = node({
      type: "cn",
      params: {},
      inputs: [{ id: "image", kind: "image", label: "Image", request: "controlnets[].image_url" }],
    });
    expect(() => createRegistry([cn])).toThrow(
      'Node type "cn": input "image" is sent as "controlnets[].image_url", but no node type has a image output that carries a param',
    );
    expect(() => createRegistry([cn, picture()])).not.toThrow();
    const linked = node({
      type: "linked",
      params: {},
      inputs: [
        {
          id: "ipa",
          kind: "ip_adapter",
          label: "IP-Adapter",
          request: "controlnets[].ip_adapter_index",
          sendsIndex: true,
        },
      ],
    });
    expect(() => createRegistry([linked])).toThrow(
      'Node type "linked": input "ipa" sends an index, but no node type that appends to a list has a ip_adapter output',
    );
  });

  it("indexes who sends each path, and which type makes each list's items", () => {
    const lora = node({ type: "my_lora", params: scale("loras[].scale") });
    const r = createRegistry([lora, picture()]);
    expect(r.feeder("loras[].scale")).toMatchObject({ def: lora, param: "scale", list: "loras", field: "scale" });
    expect(r.feeder("loras[].path")).toBeUndefined();
    expect(r.listFeeder("loras")).toBe(lora);
    expect(r.listFeeder("controlnets")).toBeUndefined();
  });
});

describe("what the editor and the teaching views read from a definition", () => {
  const scale = (request: string) =>
    ({ scale: param.float({ label: "Scale", description: "How much.", request: request as never }) }) as const;

  it("refuses a glance that names no param of the node", () => {
    expect(createRegistry([node({ glance: ["scale"] })]).get("thing")?.glance).toEqual(["scale"]);
    expect(() => createRegistry([node({ glance: ["weight"] })])).toThrow(
      'Node type "thing": glance names "weight", which is not one of its params',
    );
  });

  it("refuses an itemIdentity that names no param of its list item, or a node with no list", () => {
    const lora = node({ type: "my_lora", params: scale("loras[].scale"), itemIdentity: ["scale"] });
    expect(createRegistry([lora]).get("my_lora")?.itemIdentity).toEqual(["scale"]);
    expect(() => createRegistry([node({ params: scale("loras[].scale"), itemIdentity: ["path"] })])).toThrow(
      'Node type "thing": itemIdentity names "path", which is not a param it sends as a field of loras[]',
    );
    expect(() => createRegistry([node({ itemIdentity: ["scale"] })])).toThrow(
      'Node type "thing": it declares itemIdentity but appends to no request list',
    );
  });

  it("refuses a view kind the editor has no view for, and an output's view on a node that is not one", () => {
    expect(() => createRegistry([node({ views: { canvas: "sparkles" as never } })])).toThrow(
      'Node type "thing": canvas view "sparkles" is not one of denoise-strip, schedule-spark',
    );
    expect(() => createRegistry([node({ views: { inspector: "denoise-timeline" } })])).toThrow(
      'Node type "thing": view "denoise-timeline" draws an output\'s denoising, and this node is not an output',
    );
    expect(() => createRegistry([node({ views: { inspector: "schedule-plot" } })])).not.toThrow();
  });

  it("refuses a weighted text whose switch is not an on/off param of the node", () => {
    const text = (weightedBy: string, multiline = true) => ({
      text: param.string({ label: "Text", description: "Words.", multiline, weightedBy }),
      weighting: param.bool({ label: "Weighting", description: "On or off." }),
    });
    expect(() => createRegistry([node({ params: text("weighting") })])).not.toThrow();
    expect(() => createRegistry([node({ params: text("missing") })])).toThrow(
      'Node type "thing": param "text": weightedBy "missing" is not an on/off param of this node',
    );
    expect(() => createRegistry([node({ params: text("weighting", false) })])).toThrow(
      'Node type "thing": param "text" is weightedBy "weighting" but is not a multi-line text',
    );
  });
});

describe("the editor's build", () => {
  // nodes/index.ts builds the catalogue with indexedRegistry there (no checks): it must answer as
  // the checked registry does.
  it("indexes the catalogue as the checked registry does", async () => {
    const { allNodes } = await import("../../nodes");
    const checked = createRegistry(allNodes);
    const built = indexedRegistry(allNodes);
    expect(built.list()).toEqual(checked.list());
    expect(built.categories()).toEqual(checked.categories());
    expect(built.feeders()).toEqual(checked.feeders());
    for (const f of checked.feeders()) expect(built.feeder(f.path)).toEqual(f);
    for (const list of ["loras", "embeddings", "controlnets", "ip_adapter"] as const)
      expect(built.listFeeder(list)).toBe(checked.listFeeder(list));
  });

  it("checks nothing, which createRegistry does", () => {
    const bad = node({ glance: ["nope"] });
    expect(() => createRegistry([bad])).toThrow('glance names "nope"');
    expect(() => indexedRegistry([bad])).not.toThrow();
  });
});
