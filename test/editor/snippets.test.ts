import { describe, expect, it } from "vitest";
import { curlSnippet, jsSnippet, requestJson } from "../../src/editor/panels/snippets";
import { searchNodes } from "../../src/editor/panels/search";
import { stubNodes } from "./stubRegistry";

const input = { model_name: "sdxl", prompt: `it's a "test" with $HOME and \`ticks\`` };

describe("request snippets", () => {
  it("JSON is the request, pretty-printed", () => {
    expect(JSON.parse(requestJson(input))).toEqual(input);
  });
  it("JavaScript calls fal.subscribe with the endpoint and the input", () => {
    const js = jsSnippet("fal-ai/lora/image-to-image", input);
    expect(js).toContain('import { fal } from "@fal-ai/client"');
    expect(js).toContain('fal.subscribe("fal-ai/lora/image-to-image", {');
    const body = js.slice(js.indexOf("input: ") + 7, js.indexOf(",\n  logs"));
    expect(JSON.parse(body)).toEqual(input);
  });
  it("curl posts to the queue with the key from the environment, body passed verbatim", () => {
    const sh = curlSnippet("fal-ai/lora", input);
    expect(sh).toContain('curl -X POST "https://queue.fal.run/fal-ai/lora"');
    expect(sh).toContain('-H "Authorization: Key $FAL_KEY"');
    const body = sh.slice(sh.indexOf("<<'JSON'\n") + 8, sh.lastIndexOf("\nJSON\n"));
    expect(JSON.parse(body)).toEqual(input);
  });
});

describe("palette search", () => {
  it("matches title, category and description, titles first", () => {
    expect(searchNodes(stubNodes, "lora").map((d) => d.type)).toEqual(["lora"]);
    expect(searchNodes(stubNodes, "conditioning").map((d) => d.type)).toEqual(["prompt"]);
    expect(searchNodes(stubNodes, "weights").map((d) => d.type)).toEqual(["lora"]);
    expect(searchNodes(stubNodes, "").length).toBe(stubNodes.length);
    expect(searchNodes(stubNodes, "zzz")).toEqual([]);
  });
  it("a dropped wire keeps only nodes that can take it", () => {
    expect(searchNodes(stubNodes, "", { kind: "model", handleType: "source" }).map((d) => d.type)).toEqual([
      "lora",
      "sampler",
    ]);
    expect(searchNodes(stubNodes, "", { kind: "image", handleType: "target" }).map((d) => d.type)).toEqual(["image"]);
  });
});
