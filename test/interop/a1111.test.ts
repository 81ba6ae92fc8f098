// A1111 / Forge / Civitai infotext → fal request, and back. Fixtures are built here from the
// grammar of docs/import-export.md; property tests cover the parser on any text and the round trip.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SCHEDULERS } from "../../src/graph";
import {
  a1111Segments,
  a1111ToRequest,
  compelFromSegments,
  compelSegments,
  infotextFromRequest,
  looksLikeInfotext,
  parseInfotext,
} from "../../src/interop/a1111";
import { mergeSegments } from "../../src/interop/a1111/prompt";
import { scanParams } from "../../src/interop/a1111/infotext";
import type { ForeignRequest } from "../../src/interop/foreign";

const line = (pairs: Record<string, string | number>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
const notesAt = (r: ForeignRequest, path: string) => r.notes.filter((n) => n.path === path);
const notesFrom = (r: ForeignRequest, source: string) => r.notes.filter((n) => n.source === source);

const BASE = {
  Steps: 28,
  Sampler: "DPM++ 2M",
  "Schedule type": "Karras",
  "CFG scale": 6.5,
  Seed: 1234,
  Size: "832x1216",
  Model: "sd_xl_base_1.0",
};

describe("A1111 infotext → fal request", () => {
  it("maps a full A1111 1.10 text: prompt, LoRAs in order, weights, sampler, numbers, size, model, clip skip, ControlNet", () => {
    const text = [
      "masterpiece, (a castle:1.3) on a [hill], ((sunset)) <lora:castle_style:0.7>, <lora:detail:unet=0.6:te=0.4>",
      "Negative prompt: blurry, (worst quality:1.4)",
      line({ ...BASE, "Model hash": "31e35c80fc", "Clip skip": 2 }) +
        ', ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 0.8, Resize Mode: Crop and Resize, Guidance Start: 0.1, Guidance End: 0.9", Lora hashes: "castle_style: 0123456789ab", Version: v1.10.1',
    ].join("\n");
    const r = a1111ToRequest(text);
    expect(r.endpoint).toBe("fal-ai/lora");
    expect(r.request).toEqual({
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt: "masterpiece, (a castle)1.3 on a (hill)0.9091, (sunset)1.21,",
      negative_prompt: "blurry, (worst quality)1.4",
      prompt_weighting: true,
      num_inference_steps: 28,
      guidance_scale: 6.5,
      seed: 1234,
      scheduler: "DPM++ 2M Karras",
      image_size: { width: 832, height: 1216 },
      clip_skip: 1,
      loras: [
        { path: "", scale: 0.7 },
        { path: "", scale: 0.6 },
      ],
      controlnets: [
        {
          path: "lllyasviel/control_v11p_sd15_canny",
          conditioning_scale: 0.8,
          start_percentage: 0.1,
          end_percentage: 0.9,
        },
      ],
    });
    expect(r.labels).toEqual({
      "loras.0": "castle_style",
      "loras.1": "detail",
      "controlnets.0": "canny / control_v11p_sd15_canny [d14c016b]",
    });
    expect(notesAt(r, "loras.0.path")).toEqual([
      expect.objectContaining({
        severity: "error",
        message: expect.stringContaining("LoRA `castle_style`: path needed"),
      }),
    ]);
    expect(notesAt(r, "loras.1.scale")[0].message).toMatch(/one LoRA scale.*0\.6.*0\.4/);
    expect(notesAt(r, "clip_skip")[0]).toMatchObject({
      severity: "info",
      message: expect.stringContaining("unverified"),
    });
    expect(notesAt(r, "controlnets.0.image_url")[0].severity).toBe("error");
    expect(notesFrom(r, "ControlNet 0").some((n) => n.message.includes("Resize Mode"))).toBe(true);
    for (const key of ["Lora hashes", "Version", "Model hash"]) expect(notesFrom(r, key), key).toHaveLength(1);
  });

  it("every unmapped key is listed by its name; nothing is dropped silently", () => {
    const r = a1111ToRequest(
      `a cat\n${line({ ...BASE, ENSD: 31337, "Token merging ratio": 0.5, "ADetailer model": "face_yolov8n.pt" })}`,
    );
    for (const key of ["ENSD", "Token merging ratio", "ADetailer model"])
      expect(notesFrom(r, key)).toEqual([
        expect.objectContaining({ severity: "warning", message: expect.stringContaining("not mapped") }),
      ]);
  });

  it("sampler names: split, old combined, A1111's 'Euler a', unknown ones and unsupported schedules", () => {
    const sched = (sampler: string, type?: string) =>
      a1111ToRequest(
        `x\n${line({ Steps: 20, Sampler: sampler, ...(type ? { "Schedule type": type } : {}), "CFG scale": 7 })}`,
      );
    expect(sched("DPM++ 2M SDE Karras").request.scheduler).toBe("DPM++ 2M SDE Karras");
    expect(sched("DPM++ 2M Karras").request.scheduler).toBe("DPM++ 2M Karras");
    expect(sched("DPM++ 2M SDE", "Karras").request.scheduler).toBe("DPM++ 2M SDE Karras");
    expect(sched("DPM++ 2M", "Automatic").request.scheduler).toBe("DPM++ 2M");
    expect(sched("Euler a").request.scheduler).toBe("Euler A");
    expect(sched("DDIM").request.scheduler).toBe("DDIM");
    const heun = sched("Heun");
    expect(heun.request.scheduler).toBeUndefined();
    expect(notesAt(heun, "scheduler")[0].message).toContain('"Heun" has no fal equivalent');
    const expo = sched("Euler", "Exponential");
    expect(expo.request.scheduler).toBe("Euler");
    expect(notesFrom(expo, "Schedule type")[0].message).toContain("Exponential");
  });

  it("A1111 weighting becomes Compel; escaped brackets stay literal and leave weighting off", () => {
    expect(a1111ToRequest(`(word) ((two)) [less] (set:0.5)\n${line(BASE)}`).request).toMatchObject({
      prompt: "(word)1.1 (two)1.21 (less)0.9091 (set)0.5",
      prompt_weighting: true,
    });
    const literal = a1111ToRequest(`a \\(literal\\) bracket\n${line(BASE)}`).request;
    expect(literal.prompt).toBe("a (literal) bracket");
    expect(literal.prompt_weighting).toBeUndefined();
    // With weighting on, literal brackets are escaped for Compel.
    expect(a1111ToRequest(`(big:1.2) \\(x\\)\n${line(BASE)}`).request.prompt).toBe("(big)1.2 \\(x\\)");
  });

  it("BREAK, prompt editing and alternation are reported, with what was kept", () => {
    const r = a1111ToRequest(`a BREAK b, [cat:dog:0.5], [red|blue] hat\n${line(BASE)}`);
    expect(r.request.prompt).toBe("a b, dog, red hat");
    expect(notesFrom(r, "Prompt").map((n) => n.message)).toEqual([
      expect.stringContaining("BREAK"),
      expect.stringContaining('kept "dog"'),
      expect.stringContaining('kept "red"'),
    ]);
  });

  it("clip skip: 1 (the last layer) sets nothing; N sets N−1", () => {
    expect(a1111ToRequest(`x\n${line({ ...BASE, "Clip skip": 1 })}`).request.clip_skip).toBeUndefined();
    expect(a1111ToRequest(`x\n${line({ ...BASE, "Clip skip": 3 })}`).request.clip_skip).toBe(2);
  });

  it("Denoising strength: img2img becomes image-to-image asking for the init image; with Hires keys it is hires fix", () => {
    const i2i = a1111ToRequest(
      `x\n${line({ Steps: 20, Sampler: "Euler a", "CFG scale": 7, Size: "512x512", "Denoising strength": 0.45 })}`,
    );
    expect(i2i.endpoint).toBe("fal-ai/lora/image-to-image");
    expect(i2i.request.noise_strength).toBe(0.45);
    expect(i2i.request.image_size).toBeUndefined();
    expect(notesAt(i2i, "image_url")[0].severity).toBe("error");
    const inpaint = a1111ToRequest(
      `x\n${line({ Steps: 20, "CFG scale": 7, "Denoising strength": 0.75, "Mask blur": 4 })}`,
    );
    expect(inpaint.endpoint).toBe("fal-ai/lora/inpaint");
    expect(notesAt(inpaint, "mask_url")[0].severity).toBe("error");
    const hires = a1111ToRequest(
      `x\n${line({ ...BASE, "Denoising strength": 0.4, "Hires upscale": 2, "Hires upscaler": "Latent" })}`,
    );
    expect(hires.endpoint).toBe("fal-ai/lora");
    expect(hires.request.noise_strength).toBeUndefined();
    expect(notesFrom(hires, "Denoising strength")[0].message).toMatch(/hires fix.*Hires upscale, Hires upscaler/);
  });

  it("model: well-known names and hashes map to Hugging Face ids; a local name is a label with an error", () => {
    const m = (pairs: Record<string, string>) =>
      a1111ToRequest(`x\n${line({ Steps: 20, "CFG scale": 7, Seed: 1, ...pairs })}`);
    expect(m({ Model: "v1-5-pruned-emaonly" }).request.model_name).toBe("stable-diffusion-v1-5/stable-diffusion-v1-5");
    expect(m({ Model: "sd_xl_refiner_1.0" }).request.model_name).toBe("stabilityai/stable-diffusion-xl-refiner-1.0");
    expect(m({ "Model hash": "31e35c80fc" }).request.model_name).toBe("stabilityai/stable-diffusion-xl-base-1.0");
    const local = m({ Model: "juggernautXL_v9", "Model hash": "abcdef0123" });
    expect(local.request.model_name).toBe("");
    expect(local.labels.model_name).toBe("juggernautXL_v9");
    expect(notesAt(local, "model_name")[0]).toMatchObject({
      severity: "error",
      message: expect.stringContaining("juggernautXL_v9"),
    });
  });

  it("Civitai resources give LoRAs, an embedding and the checkpoint their download URLs; the Steps line need not be last", () => {
    const text = [
      "a castle <lora:castle:0.8>",
      "Negative prompt: bad",
      `${line({ Steps: 25, Sampler: "Euler a", "CFG scale": 7, Seed: 9, Size: "1024x1024", Model: "myMix_v2" })}, Hashes: {"model": "abc", "lora:castle": "def"}, Civitai resources: [{"type":"checkpoint","modelVersionId":111},{"type":"lora","weight":0.8,"modelVersionId":222},{"type":"lora","weight":0.5,"modelVersionId":333,"modelName":"Detail Tweaker"},{"type":"embed","modelVersionId":444}]`,
      "extra line civitai adds",
    ].join("\n");
    const r = a1111ToRequest(text);
    expect(r.request.model_name).toBe("https://civitai.com/api/download/models/111");
    expect(r.request.loras).toEqual([
      { path: "https://civitai.com/api/download/models/222", scale: 0.8 },
      { path: "https://civitai.com/api/download/models/333", scale: 0.5 },
    ]);
    expect(r.labels).toMatchObject({ "loras.0": "castle", "loras.1": "Detail Tweaker", model_name: "myMix_v2" });
    expect(r.request.embeddings).toEqual([{ path: "https://civitai.com/api/download/models/444" }]);
    expect(r.notes.filter((n) => n.severity === "error")).toEqual([]);
    expect(notesFrom(r, "Hashes")).toHaveLength(1);
    expect(r.notes.some((n) => n.message.includes("after the parameter line"))).toBe(true);
  });

  it("reads quoted values, CRLF line endings and a multi-line prompt", () => {
    const r = a1111ToRequest(
      `line one\r\nline two\r\nNegative prompt: n1\r\nn2\r\nSteps: 20, Sampler: "Euler a", CFG scale: 7, Model: "odd, name: here"`,
    );
    expect(r.request).toMatchObject({ prompt: "line one\nline two", negative_prompt: "n1\nn2", scheduler: "Euler A" });
    expect(r.labels.model_name).toBe("odd, name: here");
  });

  it("text without a parameter line is a prompt, with a warning", () => {
    const r = a1111ToRequest("just a prompt, nothing else");
    expect(r.request.prompt).toBe("just a prompt, nothing else");
    expect(r.notes.some((n) => n.message.includes("no parameter line"))).toBe(true);
    expect(looksLikeInfotext("just a prompt")).toBe(false);
    expect(looksLikeInfotext(`x\n${line(BASE)}`)).toBe(true);
  });
});

describe("infotext parsing matches A1111's own pattern", () => {
  // A1111's regex, run by JS on ASCII text (where Python's \w and JS's agree).
  const A1111 = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;
  it("scanParams finds the same pairs as the regex on short ASCII lines (property)", () => {
    const piece = fc.constantFrom(
      "Steps",
      "Sampler",
      "a",
      "CFG scale",
      ":",
      ",",
      " ",
      '"',
      "\\",
      "x-y/z",
      "1.5",
      '"q, r"',
      "é",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const s = parts.join("").replace(/é/g, "e");
        const expected = [...s.matchAll(A1111)].map((m) => [m[1], m[2]]);
        expect(scanParams(s)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("the parser never throws on any text, and a long line without colons is read in one pass (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.string({ unit: "binary", maxLength: 200 }),
        (a, b) => {
          for (const t of [a, b, `${a}\n${b}`, `${a}\nSteps: ${b}, CFG scale: 1, Seed: ${a}`]) {
            const r = a1111ToRequest(t);
            expect(typeof r.request.prompt).toBe("string");
            for (const n of r.notes) expect(typeof n.message).toBe("string");
          }
        },
      ),
      { numRuns: 300 },
    );
    const long = "word ".repeat(200_000);
    expect(parseInfotext(`${long}\n${long}`).params).toEqual([]);
  });
});

describe("request → infotext → request", () => {
  it("writes what A1111 and Civitai read: Steps first, LoRA tags in the prompt, Civitai resources as bare JSON", () => {
    const { text, notes } = infotextFromRequest(
      {
        model_name: "stabilityai/stable-diffusion-xl-base-1.0",
        prompt: "a (castle)1.3",
        prompt_weighting: true,
        negative_prompt: "blurry",
        seed: 7,
        scheduler: "DPM++ 2M Karras",
        loras: [
          { path: "https://civitai.com/api/download/models/222", scale: 0.8 },
          { path: "https://huggingface.co/x/y/resolve/main/My Style (v2).safetensors", scale: -0.5 },
        ],
      },
      "fal-ai/lora",
      { "loras.0": "castle lora!" },
    );
    expect(text).toBe(
      [
        "a (castle:1.3) <lora:castle_lora:0.8> <lora:My_Style_v2:-0.5>",
        "Negative prompt: blurry",
        'Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.5, Seed: 7, Size: 1024x1024, Model: sd_xl_base_1.0, Civitai resources: [{"type":"lora","weight":0.8,"modelVersionId":222}]',
      ].join("\n"),
    );
    expect(notes).toEqual([expect.stringContaining("LoRA My_Style_v2: A1111 text carries its name, not its path")]);
    // Civitai's reader: the details line starts with "Steps: ", its resource regexes match.
    const details = text.split("\n").find((l) => l.startsWith("Steps: "))!;
    expect(JSON.parse(/, Civitai resources:\s*(\[[^\]]+\])/.exec(details)![1])).toEqual([
      { type: "lora", weight: 0.8, modelVersionId: 222 },
    ]);
    expect([...text.matchAll(/<(lora|hypernet):([a-zA-Z0-9_.-]+):([0-9.]+)>/g)].map((m) => m[2])).toEqual([
      "castle_lora",
    ]);
  });

  it("Compel weights survive the trip as weights (property over segment lists)", () => {
    const seg = fc.record({
      text: fc.stringMatching(/^[a-z ,()\\[\]+-]{1,12}$/),
      weight: fc.constantFrom(1, 1.1, 1.21, 0.9, 0.5, 1.3, 2),
    });
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 6 }), (segments) => {
        const compel = compelFromSegments(segments);
        const back = compelSegments(compel);
        expect(back).not.toBeNull();
        const ours = a1111Segments(
          infotextFromRequest({ prompt: compel, prompt_weighting: true, model_name: "a/b" }).text.split("\n")[0],
        );
        expect(ours.map((s) => [s.text, Math.round(s.weight * 1e4)])).toEqual(
          back!.map((s) => [s.text, Math.round(s.weight * 1e4)]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("import(export(request)) gives the request back, for every field A1111's format can carry (property)", () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    const text = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(" "));
    const weightedText = fc
      .array(fc.record({ text, weight: fc.constantFrom(1, 1.1, 0.8, 1.5) }), { minLength: 1, maxLength: 4 })
      .map((s) => s.map((x, i) => ({ ...x, text: i ? ` ${x.text}` : x.text })));
    const civitai = fc.integer({ min: 1, max: 9_999_999 }).map((id) => `https://civitai.com/api/download/models/${id}`);
    const scale = fc.constantFrom(1, 0.5, 0.75, -0.3, 1.25);
    const request = fc.record(
      {
        model_name: fc.oneof(
          fc.constantFrom(
            "stabilityai/stable-diffusion-xl-base-1.0",
            "stable-diffusion-v1-5/stable-diffusion-v1-5",
            "someone/custom-model",
          ),
          civitai,
        ),
        prompt: weightedText,
        negative_prompt: text,
        num_inference_steps: fc.integer({ min: 1, max: 150 }),
        guidance_scale: fc.constantFrom(0, 3.5, 7, 7.5, 12.25),
        seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        scheduler: fc.constantFrom(...SCHEDULERS),
        image_size: fc.record({
          width: fc.integer({ min: 8, max: 512 }).map((n) => n * 8),
          height: fc.integer({ min: 8, max: 512 }).map((n) => n * 8),
        }),
        clip_skip: fc.constantFrom(1, 2),
        loras: fc.array(fc.record({ path: civitai, scale }), { minLength: 1, maxLength: 4 }),
        controlnets: fc.array(
          fc.record({
            path: fc.constantFrom("lllyasviel/control_v11p_sd15_canny", "xinsir/controlnet-union-sdxl-1.0"),
            conditioning_scale: scale,
            start_percentage: fc.constantFrom(0, 0.2),
            end_percentage: fc.constantFrom(1, 0.8),
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: ["model_name", "prompt"] },
    );
    fc.assert(
      fc.property(
        request,
        fc.constantFrom("fal-ai/lora" as const, "fal-ai/lora/image-to-image" as const),
        (gen, endpoint) => {
          const segments = mergeSegments(gen.prompt);
          const weightedPrompt = segments.some((s) => s.weight !== 1);
          const req: Record<string, unknown> = {
            ...gen,
            prompt: weightedPrompt ? compelFromSegments(segments) : segments.map((s) => s.text).join(""),
          };
          if (weightedPrompt) req.prompt_weighting = true;
          if (gen.controlnets?.length === 0) delete req.controlnets;
          if (endpoint !== "fal-ai/lora") {
            delete req.image_size;
            req.noise_strength = 0.35;
          }
          const { text } = infotextFromRequest(req, endpoint);
          const back = a1111ToRequest(text);
          // Filled by the text where the request left fal's defaults.
          const expected: Record<string, unknown> = { num_inference_steps: 30, guidance_scale: 7.5, ...req };
          if (endpoint === "fal-ai/lora") expected.image_size ??= { width: 1024, height: 1024 };
          expect(back.endpoint).toBe(endpoint);
          expect(back.request).toEqual(expected);
          expect(back.notes.filter((n) => n.severity === "error").map((n) => n.path)).toEqual([
            ...(endpoint === "fal-ai/lora" ? [] : ["image_url"]),
            ...(gen.controlnets ?? []).map((_, i) => `controlnets.${i}.image_url`),
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
