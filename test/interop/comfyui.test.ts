import { describe, expect, it } from "vitest";
import { detectComfy, importComfy, type ComfyImport, type Unmapped } from "../../src/interop/comfyui";
import { falScheduler } from "../../src/interop/comfyui/samplers";
import { sdxlLoraPrompt, sdxlLoraWorkflow, styleSubgraphWorkflow } from "./comfyFixtures";

const about = (r: ComfyImport, nodeId: string) => r.notes.filter((u) => u.nodeId === nodeId);
const errors = (r: ComfyImport) => r.notes.filter((u) => u.severity === "error");
const messages = (us: Unmapped[]) => us.map((u) => u.message).join("\n");

/** Every node of the file is either carried by the request or listed as not mapped. */
function expectNothingDropped(r: ComfyImport, ids: string[]): void {
  const listed = new Set([...r.mapped, ...r.notes.map((u) => u.nodeId)]);
  expect(ids.filter((id) => !listed.has(id))).toEqual([]);
}

describe("importComfy: API prompt", () => {
  it("maps the text-to-image graph with a LoRA and CLIPSetLastLayer", () => {
    const prompt = sdxlLoraPrompt();
    const r = importComfy(prompt);
    expect(r.comfyFormat).toBe("api");
    expect(r.format).toBe("ComfyUI API prompt");
    expect(r.endpoint).toBe("fal-ai/lora");
    expect(r.request).toEqual({
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt: "a castle on a hill",
      negative_prompt: "blurry",
      image_size: { width: 832, height: 1216 },
      num_images: 2,
      seed: 42,
      num_inference_steps: 28,
      guidance_scale: 6.5,
      scheduler: "DPM++ 2M Karras",
      clip_skip: 1,
      loras: [{ scale: 0.8 }],
    });
    // The LoRA is known only by its file name: its node gets that name and an error asks for the URL.
    expect(r.labels).toEqual({ "loras.0": "styles/castle_style.safetensors" });
    expect(errors(r)).toEqual([
      expect.objectContaining({
        nodeId: "10",
        classType: "LoraLoader",
        source: "node 10 (LoraLoader) lora_name",
        path: "loras.0.path",
        message: expect.stringMatching(/^LoRA `castle_style`: path needed/),
      }),
    ]);
    // clip skip's unit is an assumption about fal, and the report says so.
    expect(about(r, "11")).toEqual([expect.objectContaining({ severity: "info", path: "clip_skip" })]);
    expect(about(r, "11")[0].message).toMatch(/not confirmed by fal/);
    expect(r.sources.loras_0 ?? r.sources["loras.0"]).toEqual({ nodeId: "10", classType: "LoraLoader" });
    expectNothingDropped(r, Object.keys(prompt));
  });

  it("decides positive and negative by where the encoders are wired, not by their titles", () => {
    const p = sdxlLoraPrompt();
    p["6"]._meta = { title: "Negative" };
    p["7"]._meta = { title: "Positive" };
    p["3"].inputs.positive = ["7", 0];
    p["3"].inputs.negative = ["6", 0];
    const r = importComfy(p);
    expect(r.request.prompt).toBe("blurry");
    expect(r.request.negative_prompt).toBe("a castle on a hill");
  });

  it("says that fal has one scale when the LoRA's clip strength differs", () => {
    const p = sdxlLoraPrompt();
    p["10"].inputs.strength_clip = 0.3;
    const r = importComfy(p);
    expect(r.request.loras).toEqual([{ scale: 0.8 }]);
    expect(about(r, "10")).toContainEqual(
      expect.objectContaining({
        severity: "warning",
        field: "strength_clip",
        message: "strength_clip 0.3 differs from strength_model 0.8; fal has one scale for both, so 0.8 was used",
      }),
    );
  });

  it("keeps LoRAs in the order ComfyUI applies them and reports LoraLoaderModelOnly's untouched text encoder", () => {
    const p = sdxlLoraPrompt();
    p["12"] = {
      class_type: "LoraLoaderModelOnly",
      inputs: { model: ["10", 0], lora_name: "detail.safetensors", strength_model: 0.5 },
    };
    p["3"].inputs.model = ["12", 0];
    const r = importComfy(p);
    expect(r.request.loras).toEqual([{ scale: 0.8 }, { scale: 0.5 }]);
    expect(r.labels).toMatchObject({ "loras.0": "styles/castle_style.safetensors", "loras.1": "detail.safetensors" });
    expect(messages(about(r, "12"))).toMatch(/leaves the text encoder alone; fal has one scale for both/);
  });

  it("maps CLIPSetLastLayer -1 to no clip skip and -3 to clip_skip 2", () => {
    const p = sdxlLoraPrompt();
    p["11"].inputs.stop_at_clip_layer = -1;
    expect(importComfy(p).request.clip_skip).toBeUndefined();
    p["11"].inputs.stop_at_clip_layer = -3;
    expect(importComfy(p).request.clip_skip).toBe(2);
  });

  it("turns VAEEncode into image-to-image with denoise as strength, the image labelled by its file name", () => {
    const p = sdxlLoraPrompt();
    delete p["5"];
    p["20"] = { class_type: "LoadImage", inputs: { image: "photo.png", upload: "image" } };
    p["21"] = { class_type: "VAEEncode", inputs: { pixels: ["20", 0], vae: ["4", 2] } };
    p["3"].inputs.latent_image = ["21", 0];
    p["3"].inputs.denoise = 0.6;
    const r = importComfy(p);
    expect(r.endpoint).toBe("fal-ai/lora/image-to-image");
    expect(r.request.noise_strength).toBe(0.6);
    expect(r.request.image_size).toBeUndefined();
    expect(r.labels.image_url).toBe("photo.png");
    expect(errors(r)).toContainEqual(
      expect.objectContaining({
        nodeId: "20",
        path: "image_url",
        message: 'Image "photo.png": upload it or give its URL (ComfyUI reads it from its own input folder)',
      }),
    );
  });

  it("turns VAEEncodeForInpaint into inpaint, with the mask from LoadImage's alpha channel", () => {
    const p = sdxlLoraPrompt();
    delete p["5"];
    p["20"] = { class_type: "LoadImage", inputs: { image: "room.png", upload: "image" } };
    p["21"] = {
      class_type: "VAEEncodeForInpaint",
      inputs: { pixels: ["20", 0], vae: ["4", 2], mask: ["20", 1], grow_mask_by: 6 },
    };
    p["3"].inputs.latent_image = ["21", 0];
    const r = importComfy(p);
    expect(r.endpoint).toBe("fal-ai/lora/inpaint");
    expect(r.request.noise_strength).toBe(1);
    expect(r.labels).toMatchObject({ image_url: "room.png", mask_url: "room.png" });
    expect(messages(about(r, "20"))).toMatch(/alpha channel of room\.png; fal wants a separate mask image/);
    expect(messages(about(r, "21"))).toMatch(/grow_mask_by 6: fal does not grow the mask/);
  });

  it("maps ControlNetApplyAdvanced strength and window, a known ControlNet by its repo, and reports the preprocessor", () => {
    const p = sdxlLoraPrompt();
    p["4"].inputs.ckpt_name = "v1-5-pruned-emaonly.safetensors";
    p["30"] = { class_type: "ControlNetLoader", inputs: { control_net_name: "control_v11p_sd15_canny.pth" } };
    p["31"] = { class_type: "LoadImage", inputs: { image: "edges.png", upload: "image" } };
    p["32"] = { class_type: "Canny", inputs: { image: ["31", 0], low_threshold: 0.4, high_threshold: 0.8 } };
    p["33"] = {
      class_type: "ControlNetApplyAdvanced",
      inputs: {
        positive: ["6", 0],
        negative: ["7", 0],
        control_net: ["30", 0],
        image: ["32", 0],
        strength: 0.7,
        start_percent: 0.1,
        end_percent: 0.8,
      },
    };
    p["3"].inputs.positive = ["33", 0];
    p["3"].inputs.negative = ["33", 1];
    const r = importComfy(p);
    expect(r.request.model_name).toBe("stable-diffusion-v1-5/stable-diffusion-v1-5");
    expect(r.request.prompt).toBe("a castle on a hill");
    expect(r.request.negative_prompt).toBe("blurry");
    expect(r.request.controlnets).toEqual([
      {
        path: "lllyasviel/control_v11p_sd15_canny",
        conditioning_scale: 0.7,
        start_percentage: 0.1,
        end_percentage: 0.8,
      },
    ]);
    expect(r.labels["controlnets.0.image_url"]).toBe("edges.png");
    expect(about(r, "32")).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "controlnets.0.image_url",
        message: expect.stringMatching(/^Canny changes the ControlNet 1 control image before use/),
      }),
    ]);
    expectNothingDropped(r, Object.keys(p));
  });

  it("orders chained ControlNets from the text encoder outward", () => {
    const p = sdxlLoraPrompt();
    p["30"] = { class_type: "ControlNetLoader", inputs: { control_net_name: "depth.safetensors" } };
    p["31"] = { class_type: "ControlNetLoader", inputs: { control_net_name: "pose.safetensors" } };
    p["32"] = { class_type: "LoadImage", inputs: { image: "a.png" } };
    p["33"] = {
      class_type: "ControlNetApply",
      inputs: { conditioning: ["6", 0], control_net: ["30", 0], image: ["32", 0], strength: 0.5 },
    };
    p["34"] = {
      class_type: "ControlNetApply",
      inputs: { conditioning: ["33", 0], control_net: ["31", 0], image: ["32", 0], strength: 0.9 },
    };
    p["3"].inputs.positive = ["34", 0];
    const r = importComfy(p);
    expect(r.request.controlnets).toEqual([{ conditioning_scale: 0.5 }, { conditioning_scale: 0.9 }]);
    expect(r.labels).toMatchObject({ "controlnets.0": "depth.safetensors", "controlnets.1": "pose.safetensors" });
  });

  it("reads KSamplerAdvanced: noise_seed, and start_at_step as strength on an encoded image", () => {
    const p = sdxlLoraPrompt();
    delete p["5"];
    p["20"] = { class_type: "LoadImage", inputs: { image: "photo.png" } };
    p["21"] = { class_type: "VAEEncode", inputs: { pixels: ["20", 0], vae: ["4", 2] } };
    p["3"] = {
      class_type: "KSamplerAdvanced",
      inputs: {
        add_noise: "enable",
        noise_seed: 7,
        steps: 20,
        cfg: 5,
        sampler_name: "euler",
        scheduler: "normal",
        start_at_step: 5,
        end_at_step: 10000,
        return_with_leftover_noise: "disable",
        model: ["10", 0],
        positive: ["6", 0],
        negative: ["7", 0],
        latent_image: ["21", 0],
      },
    };
    const r = importComfy(p);
    expect(r.request).toMatchObject({ seed: 7, num_inference_steps: 20, scheduler: "Euler", noise_strength: 0.75 });
    expect(r.endpoint).toBe("fal-ai/lora/image-to-image");
  });

  it("reads a full denoise where ComfyUI does: KSamplerAdvanced from step 0, a KSampler without denoise", () => {
    const p = sdxlLoraPrompt();
    delete p["5"];
    p["20"] = { class_type: "LoadImage", inputs: { image: "photo.png" } };
    p["21"] = { class_type: "VAEEncode", inputs: { pixels: ["20", 0], vae: ["4", 2] } };
    p["3"].inputs.latent_image = ["21", 0];
    delete p["3"].inputs.denoise;
    expect(importComfy(p).request.noise_strength).toBe(1);
    const { seed, ...rest } = p["3"].inputs;
    p["3"] = {
      class_type: "KSamplerAdvanced",
      inputs: { ...rest, noise_seed: seed, add_noise: "enable", start_at_step: 0, end_at_step: 10000 },
    };
    expect(importComfy(p).request.noise_strength).toBe(1);
  });

  it("reads a value from a primitive node wired into a widget input", () => {
    const p = sdxlLoraPrompt();
    p["40"] = { class_type: "PrimitiveInt", inputs: { value: 1234, control_after_generate: "fixed" } };
    p["3"].inputs.seed = ["40", 0];
    const r = importComfy(p);
    expect(r.request.seed).toBe(1234);
    expect(r.mapped).toContain("40");
  });

  it("reports a value wired from a node it cannot evaluate, naming node and input", () => {
    const p = sdxlLoraPrompt();
    p["40"] = { class_type: "MathExpression|pysssss", inputs: { expression: "a*2", a: ["41", 0] } };
    p["41"] = { class_type: "PrimitiveInt", inputs: { value: 3 } };
    p["3"].inputs.steps = ["40", 0];
    const r = importComfy(p);
    expect(r.request.num_inference_steps).toBeUndefined();
    expect(about(r, "3")).toContainEqual(
      expect.objectContaining({
        field: "steps",
        message: expect.stringMatching(/wired from node 40 \(MathExpression/),
      }),
    );
  });

  it("imports the first pass of a hires-fix graph and reports the second", () => {
    const p = sdxlLoraPrompt();
    p["50"] = {
      class_type: "LatentUpscaleBy",
      inputs: { samples: ["3", 0], upscale_method: "nearest-exact", scale_by: 1.5 },
    };
    p["51"] = {
      class_type: "KSampler",
      inputs: {
        ...p["3"].inputs,
        seed: 99,
        denoise: 0.5,
        latent_image: ["50", 0],
      },
    };
    p["8"].inputs.samples = ["51", 0];
    const r = importComfy(p);
    expect(r.request.seed).toBe(42);
    expect(messages(about(r, "51"))).toMatch(/second pass over the first sampler's result/);
    expectNothingDropped(r, Object.keys(p));
  });

  it("maps IP-Adapter plus from the unified loader's preset on an SDXL base, with its image encoder", () => {
    const p = sdxlLoraPrompt();
    p["60"] = { class_type: "IPAdapterUnifiedLoader", inputs: { model: ["10", 0], preset: "PLUS (high strength)" } };
    p["61"] = { class_type: "LoadImage", inputs: { image: "ref.jpg" } };
    p["62"] = {
      class_type: "IPAdapterAdvanced",
      inputs: {
        model: ["60", 0],
        ipadapter: ["60", 1],
        image: ["61", 0],
        weight: 0.6,
        weight_type: "linear",
        combine_embeds: "concat",
        start_at: 0,
        end_at: 1,
        embeds_scaling: "V only",
      },
    };
    p["3"].inputs.model = ["62", 0];
    const r = importComfy(p);
    expect(r.request.ip_adapter).toEqual([
      {
        path: "h94/IP-Adapter",
        model_subfolder: "sdxl_models",
        weight_name: "ip-adapter-plus_sdxl_vit-h.safetensors",
        scale: 0.6,
      },
    ]);
    expect(r.request).toMatchObject({
      image_encoder_path: "h94/IP-Adapter",
      image_encoder_subfolder: "models/image_encoder",
      image_encoder_weight_name: "model.safetensors",
    });
    expect(r.labels["ip_adapter.0.ip_adapter_image_url"]).toBe("ref.jpg");
    expect(r.request.loras).toEqual([{ scale: 0.8 }]);
    expectNothingDropped(r, Object.keys(p));
  });

  it("maps IPAdapterModelLoader's file and a CLIPVisionLoader, and reports a step window fal lacks", () => {
    const p = sdxlLoraPrompt();
    p["60"] = { class_type: "IPAdapterModelLoader", inputs: { ipadapter_file: "ip-adapter_sdxl.safetensors" } };
    p["63"] = {
      class_type: "CLIPVisionLoader",
      inputs: { clip_name: "CLIP-ViT-bigG-14-laion2B-39B-b160k.safetensors" },
    };
    p["61"] = { class_type: "LoadImage", inputs: { image: "ref.jpg" } };
    p["62"] = {
      class_type: "IPAdapter",
      inputs: {
        model: ["10", 0],
        ipadapter: ["60", 0],
        clip_vision: ["63", 0],
        image: ["61", 0],
        weight: 1,
        start_at: 0.2,
        end_at: 1,
        weight_type: "style transfer",
      },
    };
    p["3"].inputs.model = ["62", 0];
    const r = importComfy(p);
    expect(r.request.ip_adapter).toEqual([
      { path: "h94/IP-Adapter", model_subfolder: "sdxl_models", weight_name: "ip-adapter_sdxl.safetensors", scale: 1 },
    ]);
    expect(r.request.image_encoder_subfolder).toBe("sdxl_models/image_encoder");
    const notes = messages(about(r, "62"));
    expect(notes).toMatch(/acts from 0.2 to 1 of the steps in ComfyUI; fal's IP-Adapter acts on every step/);
    expect(notes).toMatch(/weight_type "style transfer" has no fal equivalent/);
  });

  it("binds embedding:name in the prompt to fal's one embedding", () => {
    const p = sdxlLoraPrompt();
    p["7"].inputs.text = "embedding:EasyNegative.safetensors, blurry, (embedding:bad_hands:1.2)";
    const r = importComfy(p);
    expect(r.request.negative_prompt).toBe("EasyNegative, blurry, (embedding:bad_hands:1.2)");
    expect(r.request.embeddings).toEqual([{ tokens: ["EasyNegative"] }]);
    expect(r.labels["embeddings.0"]).toBe("EasyNegative.safetensors");
    expect(messages(r.notes)).toMatch(/takes one embedding; "embedding:bad_hands" stays in the prompt/);
  });

  it("reports nodes with no fal equivalent, whether before or after the sampler", () => {
    const p = sdxlLoraPrompt();
    p["70"] = { class_type: "FreeU_V2", inputs: { model: ["10", 0], b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2 } };
    p["3"].inputs.model = ["70", 0];
    p["71"] = { class_type: "ImageScaleBy", inputs: { image: ["8", 0], upscale_method: "lanczos", scale_by: 2 } };
    const r = importComfy(p);
    expect(about(r, "70")).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: "FreeU_V2 changes the model; fal-ai/lora has no equivalent, so it was left out",
      }),
    ]);
    expect(messages(about(r, "71"))).toMatch(/works on the generated image/);
    expect(r.request.model_name).toBe("stabilityai/stable-diffusion-xl-base-1.0");
  });

  it("refuses a graph without a sampler, saying so, and lists its nodes", () => {
    const r = importComfy({ "1": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "x.safetensors" } } });
    expect(r.request).toEqual({});
    expect(errors(r)[0].message).toMatch(/no KSampler/);
    expectNothingDropped(r, ["1"]);
  });

  it("unwraps the /prompt body and recognises non-ComfyUI JSON", () => {
    expect(detectComfy({ prompt: sdxlLoraPrompt(), client_id: "x" })).toBe("api");
    expect(detectComfy({ model_name: "a/b", prompt: "a cat" })).toBeUndefined();
    expect(detectComfy([1, 2])).toBeUndefined();
    const r = importComfy({ model_name: "a/b", prompt: "a cat" });
    expect(errors(r)[0].message).toMatch(/^Not a ComfyUI file/);
  });

  it("drops __proto__ keys without polluting anything", () => {
    const text = JSON.stringify(sdxlLoraPrompt()).replace(
      '"inputs":{"text":"blurry"',
      '"inputs":{"__proto__":{"polluted":1},"text":"blurry"',
    );
    const r = importComfy(JSON.parse(text));
    expect(r.request.negative_prompt).toBe("blurry");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.notes).toContainEqual(
      expect.objectContaining({ severity: "warning", message: expect.stringMatching(/__proto__/) }),
    );
  });
});

describe("falScheduler", () => {
  it.each([
    ["euler", "normal", "Euler", false],
    ["euler", "sgm_uniform", "Euler (trailing timesteps)", false],
    ["euler", "karras", "Euler", true],
    ["euler_ancestral", "normal", "Euler A", false],
    ["dpmpp_2m", "karras", "DPM++ 2M Karras", false],
    ["dpmpp_2m", "simple", "DPM++ 2M", false],
    ["dpmpp_2m", "exponential", "DPM++ 2M", true],
    ["dpmpp_2m_sde_gpu", "karras", "DPM++ 2M SDE Karras", false],
    ["ddim", "ddim_uniform", "DDIM", false],
    ["lcm", "sgm_uniform", "LCM (trailing timesteps)", false],
    ["heun", "normal", undefined, true],
    ["uni_pc", "karras", undefined, true],
  ])("%s + %s → %s", (sampler, scheduler, fal, noted) => {
    const c = falScheduler(sampler, scheduler);
    expect(c.scheduler).toBe(fal);
    expect(c.note !== undefined).toBe(noted);
  });
});

describe("importComfy: UI workflow", () => {
  it("reads widget values by position and gives the same request as the API prompt (0.4 and 1.x)", () => {
    const api = importComfy(sdxlLoraPrompt());
    for (const wf of [
      sdxlLoraWorkflow().v04(),
      sdxlLoraWorkflow().v1(),
      sdxlLoraWorkflow({ seedWidgetsControl: false }).v04(),
    ]) {
      const r = importComfy(wf);
      expect(r.comfyFormat).toBe("workflow");
      expect(r.request).toEqual(api.request);
      expect(r.labels).toEqual(api.labels);
    }
    expect(importComfy(sdxlLoraWorkflow().v1()).version).toBe(1);
  });

  it("passes a bypassed LoRA through, as ComfyUI does", () => {
    const r = importComfy(sdxlLoraWorkflow({ loraMode: 4 }).v04());
    expect(r.request.loras).toBeUndefined();
    expect(r.request.model_name).toBe("stabilityai/stable-diffusion-xl-base-1.0");
    // The clip wire left the LoRA's output 1 (CLIP): it continues from its input of that type.
    expect(r.request.clip_skip).toBe(1);
    expect(about(r, "10")).toEqual([
      expect.objectContaining({
        severity: "info",
        message: "LoraLoader is bypassed: ComfyUI passes its inputs through, and so did the import",
      }),
    ]);
    expect(errors(r)).toEqual([]);
  });

  it("leaves a muted LoRA out and says the model path is cut, as ComfyUI would refuse to run it", () => {
    const r = importComfy(sdxlLoraWorkflow({ loraMode: 2 }).v04());
    expect(r.request.loras).toBeUndefined();
    expect(r.request.model_name).toBeUndefined();
    expect(about(r, "10")[0]).toMatchObject({ severity: "info", message: expect.stringMatching(/muted/) });
    expect(about(r, "3")).toContainEqual(
      expect.objectContaining({ severity: "warning", field: "model", message: expect.stringMatching(/muted node 10/) }),
    );
    expect(errors(r)).toContainEqual(
      expect.objectContaining({ path: "model_name", message: expect.stringMatching(/cut at muted node 10/) }),
    );
  });

  it("follows Reroute nodes and reads a PrimitiveNode's value", () => {
    const g = sdxlLoraWorkflow();
    const reroute = g.node("Reroute", [], { outputs: ["*"] });
    const prim = g.node("PrimitiveNode", [777, "fixed"], { outputs: ["INT"] });
    // Re-wire the sampler's model through the reroute, and its seed from the primitive.
    const sampler = g.nodes.find((n) => n.id === 3)!;
    sampler.inputs = sampler.inputs.filter((i) => i.name !== "model");
    g.wire(10, 0, reroute, "", "*");
    g.wire(reroute, 0, 3, "model", "MODEL");
    g.widgetInput(3, "seed", "INT");
    g.wire(prim, 0, 3, "seed", "INT");
    const r = importComfy(g.v04());
    expect(r.request.seed).toBe(777);
    expect(r.request.loras).toEqual([{ scale: 0.8 }]);
  });

  it("flattens a subgraph, keeps its structure, and names inner nodes as ComfyUI executes them", () => {
    const { workflow, sub } = styleSubgraphWorkflow();
    const r = importComfy(workflow);
    expect(r.request.loras).toEqual([{ scale: 0.8 }, { scale: 0.7 }]);
    expect(r.labels["loras.1"]).toBe("castle.safetensors");
    expect(r.sources["loras.1"]).toEqual({ nodeId: "50:1", classType: "LoraLoaderModelOnly" });
    expect(r.subgraphs).toEqual([{ id: sub.id, name: "Style", instances: [{ nodeId: "50", innerNodeIds: ["50:1"] }] }]);
  });

  it("refuses a subgraph that contains itself, without hanging", () => {
    const id = "5a7e0c1a-0000-4000-8000-000000000002";
    const sub = {
      id,
      name: "Loop",
      nodes: [{ id: 1, type: id, mode: 0, inputs: [], outputs: [], widgets_values: [] }],
      links: [],
      outputs: [],
    };
    const r = importComfy({
      version: 1,
      state: {},
      nodes: [{ id: 1, type: id, mode: 0 }],
      links: [],
      definitions: { subgraphs: [sub] },
    });
    expect(messages(errors(r))).toMatch(/Subgraph "Loop" contains itself/);
  });

  it("reports notes, and widget values that do not fit the class's layout", () => {
    const g = sdxlLoraWorkflow();
    g.node("Note", ["Use 28 steps for best results"]);
    g.nodes.find((n) => n.id === 5)!.widgets_values = [832, 1216, 2, "extra", "values"];
    const r = importComfy(g.v04());
    expect(messages(r.notes)).toMatch(/A note was not imported: "Use 28 steps for best results"/);
    expect(about(r, "5")).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/5 widget values where ComfyUI writes 3/) }),
    );
  });
});
