import { describe, expect, it } from "vitest";
import { curlSnippet, jsSnippet, localUrls, pythonSnippet, requestJson } from "../../src/editor/panels/snippets";
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

describe("Python snippet and local URLs", () => {
  const full = {
    ...input,
    seed: 3,
    prompt_weighting: true,
    enable_safety_checker: false,
    loras: [{ path: "a", scale: 0.5 }],
    x: null,
  };
  it("calls fal_client.subscribe with the input as a Python literal", () => {
    const py = pythonSnippet("fal-ai/lora", full);
    expect(py).toContain("import fal_client");
    expect(py).toContain('fal_client.subscribe(\n    "fal-ai/lora",');
    const literal = py.slice(py.indexOf("arguments=") + 10, py.indexOf(",\n    with_logs"));
    // Python's literals, read back the way Python would: True/False/None, JSON-escaped strings.
    const asJson = literal
      .replace(/\bTrue\b/g, "true")
      .replace(/\bFalse\b/g, "false")
      .replace(/\bNone\b/g, "null")
      .replace(/,(\s*[}\]])/g, "$1");
    expect(JSON.parse(asJson)).toEqual(full);
    expect(py).not.toContain("Note:");
  });
  it("every snippet says when a value points at the local stand-in, naming its request path", () => {
    const local = {
      ...input,
      image_url: "http://127.0.0.1:8787/standin/files/abc.png",
      controlnets: [{ image_url: "http://localhost:8787/x.png" }],
    };
    for (const s of [
      pythonSnippet("fal-ai/lora", local),
      jsSnippet("fal-ai/lora", local),
      curlSnippet("fal-ai/lora", local),
    ]) {
      expect(s).toMatch(/^(#|\/\/) Note: image_url, controlnets\.0\.image_url point at the local stand-in/);
    }
    // The stand-in's files on whatever address the editor was opened at, and private networks.
    expect(localUrls({ a: "http://192.168.1.20:8787/standin/files/0f/castle.safetensors" })).toEqual(["a"]);
    expect(localUrls({ a: "https://my-tunnel.example.com/standin/files/0f/x.png" })).toEqual(["a"]);
    expect(localUrls({ a: "http://10.0.0.5/x.png", b: "http://mybox.local:8787/y.png" })).toEqual(["a", "b"]);
    expect(localUrls({ a: "https://v3.fal.media/files/x.png", b: "http://172.32.0.1/x.png" })).toEqual([]);
    expect(JSON.parse(curlSnippet("fal-ai/lora", local).split("<<'JSON'\n")[1].split("\nJSON\n")[0])).toEqual(local);
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
