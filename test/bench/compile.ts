/**
 * Compile benchmark: generated pipelines of 100, 1,000 and 10,000 nodes with one Sampler, compiled
 * through the public API (so fal's request-schema validation is included), against a baseline
 * measured in the same run: JSON.stringify + JSON.parse of the same document.
 */
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { edgeId, type WorkflowDocument, type WorkflowNode } from "../../src/graph";
import { machineNote, measure, ms, table, type BudgetCheck } from "./harness";

const SIZES = [100, 1_000, 10_000] as const;
const BUDGET_MS: Record<number, number> = { 1_000: 5, 10_000: 60 };
const MAX_GROWTH = 12;

/** The repeating mix of the model and conditioning chains: mostly LoRAs, some IP-Adapters and ControlNets. */
const PATTERN = [
  "lora",
  "lora",
  "lora",
  "ipa",
  "lora",
  "cn",
  "lora",
  "lora",
  "cn+mask",
  "note",
  "lora",
  "ipa",
] as const;
const COST = { lora: 1, ipa: 2, cn: 2, "cn+mask": 3, note: 1 } as const;

/**
 * A realistic pipeline of exactly `size` nodes: base → long chain of LoRAs and IP-Adapters (each
 * with its reference image, all sharing one encoder) → one embedding → IC-Light → Sampler, and
 * prompt → chain of ControlNets (each with a control image, some with a mask) → Sampler.
 */
export function generatePipeline(size: number): WorkflowDocument {
  const nodes: WorkflowNode[] = [];
  const edges: WorkflowDocument["edges"] = [];
  const add = (type: string, params: Record<string, unknown>, id = `${type}-${nodes.length}`) => {
    nodes.push({
      id,
      type,
      typeVersion: registry.getOrThrow(type).version,
      position: { x: (nodes.length % 100) * 320, y: Math.floor(nodes.length / 100) * 280 },
      params,
    });
    return id;
  };
  const wire = (s: string, sh: string, t: string, th: string) =>
    edges.push({ id: edgeId(s, sh, t, th), source: s, sourceHandle: sh, target: t, targetHandle: th });
  const img = (i: number) => add("image", { url: `https://example.com/images/${i}.png` });

  let model = add("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0", clip_skip: 0 });
  let cond = add("prompt", {
    prompt: "a <s0> castle on a hill, golden hour",
    negative_prompt: "blurry",
    prompt_weighting: false,
  });
  const sampler = add("sampler", { seed: 42, guidance_scale: 7.5, image_size: "square_hd", num_images: 1 });
  const sched = add("scheduler", { scheduler: "DPM++ 2M Karras", num_inference_steps: 30 });
  const encoder = add("image_encoder", {
    image_encoder_path: "h94/IP-Adapter",
    image_encoder_subfolder: "models/image_encoder",
  });
  const emb = add("embedding", { path: "https://example.com/embeddings/style.safetensors", tokens: ["<s0>"] });
  const ic = add("ic_light", { ic_light_model_url: "https://example.com/iclight_sd15_fc.safetensors" });
  wire(img(0), "image", ic, "image");
  const reserved = nodes.length;

  for (let i = 0; nodes.length < size; i++) {
    let kind: keyof typeof COST = PATTERN[i % PATTERN.length];
    if (nodes.length + COST[kind] > size) kind = "lora";
    if (kind === "lora") {
      const l = add("lora", { path: `https://example.com/loras/${i}.safetensors`, scale: 0.5 + (i % 5) / 10 });
      wire(model, "model", l, "model");
      model = l;
    } else if (kind === "ipa") {
      const a = add("ip_adapter", {
        path: "h94/IP-Adapter",
        model_subfolder: "sdxl_models",
        weight_name: "ip-adapter-plus_sdxl_vit-h.safetensors",
        scale: 0.5,
      });
      wire(model, "model", a, "model");
      wire(img(i), "image", a, "image");
      wire(encoder, "image_encoder", a, "image_encoder");
      model = a;
    } else if (kind === "note") {
      add("note", { text: `step ${i}` });
    } else {
      const c = add("controlnet", {
        path: "diffusers/controlnet-canny-sdxl-1.0",
        conditioning_scale: 0.5,
        start_percentage: 0,
        end_percentage: 0.8,
      });
      wire(cond, "conditioning", c, "conditioning");
      wire(img(i), "image", c, "image");
      if (kind === "cn+mask") wire(img(i + 0.5), "image", c, "mask");
      cond = c;
    }
  }
  if (nodes.length < reserved) throw new Error(`a pipeline needs at least ${reserved} nodes`);
  wire(model, "model", emb, "model");
  wire(emb, "model", ic, "model");
  wire(ic, "model", sampler, "model");
  wire(cond, "conditioning", sampler, "conditioning");
  wire(sched, "scheduler", sampler, "scheduler");
  return { format: "lora-graph/workflow", version: 2, meta: { name: `bench-${size}` }, nodes, edges };
}

/** The document with one Sampler param changed, sharing every other node object (as immer does). */
function editOneParam(doc: WorkflowDocument, n: number): WorkflowDocument {
  const i = doc.nodes.findIndex((node) => node.type === "sampler");
  const nodes = doc.nodes.slice();
  nodes[i] = { ...nodes[i], params: { ...nodes[i].params, guidance_scale: 5 + (n % 10) / 2 } };
  return { ...doc, nodes };
}

export function compileSection(): BudgetCheck[] {
  const rows: Record<string, string | number>[] = [];
  const medians: Record<number, number> = {};
  const baselines: Record<number, number> = {};
  const warms: Record<number, number> = {};
  const docs: WorkflowDocument[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (const size of SIZES) {
    const doc = generatePipeline(size);
    docs.push(doc);
    const result = compile(doc, registry);
    const out = result.outputs[0];
    if (result.outputs.length !== 1 || !out.ok) {
      throw new Error(
        `bench graph of ${size} nodes does not compile: ${JSON.stringify(result.diagnostics.slice(0, 3))}`,
      );
    }
    const input = out.input as { loras?: unknown[]; controlnets?: unknown[]; ip_adapter?: unknown[] };
    // Cold: every sample compiles a fresh copy, so the compiler's per-node cache cannot help.
    // The copy's garbage is collected before timing (when node runs with --expose-gc), so the figure
    // is the compiler's own cost, not the harness's.
    const t = measure((copy: WorkflowDocument) => compile(copy, registry), {
      runs: size >= 10_000 ? 15 : 30,
      prepare: () => {
        const copy = structuredClone(doc);
        gc?.();
        return copy;
      },
    });
    // Warm: what the editor pays per keystroke, one param changed and every other node unchanged.
    let edits = 0;
    const warm = measure((edited: WorkflowDocument) => compile(edited, registry), {
      runs: 30,
      prepare: () => editOneParam(doc, ++edits),
    });
    const base = measure(() => JSON.parse(JSON.stringify(doc)), { runs: 30 });
    medians[size] = t.median;
    baselines[size] = base.median;
    warms[size] = warm.median;
    rows.push({
      nodes: doc.nodes.length,
      edges: doc.edges.length,
      "loras/cn/ipa": `${input.loras?.length ?? 0}/${input.controlnets?.length ?? 0}/${input.ip_adapter?.length ?? 0}`,
      "request kB": (JSON.stringify(out.input).length / 1024).toFixed(1),
      runs: t.runs,
      "compile median": ms(t.median),
      "(cpu)": ms(t.cpuMedian),
      "unseen URLs": "",
      "JSON round-trip median": ms(base.median),
      "recompile after 1 edit": ms(warm.median),
      "compile / baseline": (t.median / base.median).toFixed(1),
    });
  }
  // Cold with nothing seen before: the URL checks remember their results by string (see
  // src/graph/urls.ts), so in the cold samples above every URL was already checked by an earlier
  // sample. Here each sample's URLs and model ids are new, as when a file is opened. Shown for
  // honesty; the budget is judged on the figure above, as the issue defines it. Measured after
  // all of those, so the strings it adds to the remembered checks cannot slow them down.
  SIZES.forEach((size, i) => {
    const json = JSON.stringify(docs[i]);
    let fresh = 0;
    const unseen = measure((copy: WorkflowDocument) => compile(copy, registry), {
      runs: size >= 10_000 ? 15 : 30,
      prepare: () => {
        const n = ++fresh;
        const copy = JSON.parse(
          json
            .replaceAll("https://example.com/", `https://s${n}.example.com/`)
            .replace(/"(h94|diffusers|stabilityai)\//g, `"$1-${n}/`),
        ) as WorkflowDocument;
        gc?.();
        return copy;
      },
    });
    rows[i]["unseen URLs"] = ms(unseen.median);
  });
  console.log(machineNote());
  table(rows);
  const growth = medians[10_000] / medians[1_000];
  const baseGrowth = baselines[10_000] / baselines[1_000];
  console.log(
    `growth t(10,000)/t(1,000) = ${growth.toFixed(2)} (linear ≈ 10; the JSON round trip grows ×${baseGrowth.toFixed(2)} on this machine)`,
  );
  const vs = (size: number) => ({
    baseline: `${ms(baselines[size])} JSON round trip`,
    ratio: `×${(medians[size] / baselines[size]).toFixed(2)}`,
  });
  return [
    {
      label: "compile 1,000 nodes (cold)",
      pass: medians[1_000] < BUDGET_MS[1_000],
      actual: ms(medians[1_000]),
      ...vs(1_000),
      budget: `< ${BUDGET_MS[1_000]} ms`,
    },
    {
      label: "compile 10,000 nodes (cold)",
      pass: medians[10_000] < BUDGET_MS[10_000],
      actual: ms(medians[10_000]),
      ...vs(10_000),
      budget: `< ${BUDGET_MS[10_000]} ms`,
    },
    {
      label: "growth 1,000 → 10,000",
      pass: growth <= MAX_GROWTH,
      actual: `×${growth.toFixed(2)}`,
      baseline: `×${baseGrowth.toFixed(2)} JSON round trip`,
      budget: `≤ ×${MAX_GROWTH}`,
    },
    {
      label: "recompile after one param edit, 1,000 / 10,000 nodes (the editor's case)",
      pass: true,
      actual: `${ms(warms[1_000])} / ${ms(warms[10_000])}`,
      budget: "reported",
    },
  ];
}
