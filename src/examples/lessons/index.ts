/**
 * Guided lessons: a workflow plus a ready-made sweep that shows one idea at a fixed seed. Each
 * document is an ordinary workflow file (loaded, migrated and compiled like any other), and every
 * sweep refers to node ids in its own document. All models are SDXL-family, so no lesson trips the
 * SD1.5/SDXL mismatch warning.
 */
import type { WorkflowDocument } from "../../graph";
import { range, type SweepSpec } from "../../teach/sweep";
import loraScale from "./lora-scale.json";
import controlnetWindow from "./controlnet-window.json";
import guidance from "./guidance.json";
import schedulers from "./schedulers.json";
import ipAdapterVsControlnet from "./ip-adapter-vs-controlnet.json";

export interface Lesson {
  /** Stable id, also the JSON file's name. */
  id: string;
  title: string;
  /** One line for the lesson picker. */
  summary: string;
  /** A few short paragraphs of plain text, separated by blank lines. */
  explanation: string;
  /** Read-only: copy before editing. */
  document: WorkflowDocument;
  sweep: SweepSpec;
  /** The node ids the lesson is about, for highlighting. */
  focus: string[];
}

/** In teaching order. */
export const lessons: readonly Lesson[] = [
  {
    id: "lora-scale",
    title: "What a LoRA's scale does",
    summary: "Sweep one style LoRA from 0 (off) to 1.2 (overdone) and watch the style take over.",
    explanation: [
      "A LoRA is a small set of weight changes trained on top of the base model. At run time those changes are added to the model's weights, multiplied by Scale.",
      "At 0 the LoRA does nothing and you see the base model. Around 0.6–0.9 the style shows while the base model still draws well. At 1 you get the LoRA as trained, and above 1 the changes are exaggerated: colours and shapes start to break.",
      'The seed is fixed, so the starting noise is the same in every cell and the scale is the only difference. Note the trigger word "pixel" in the prompt: many LoRAs only wake up with the words they were trained on. fal\'s older source capped scale at 1, so the 1.2 cell carries a warning; it still runs.',
    ].join("\n\n"),
    document: loraScale as WorkflowDocument,
    sweep: { axes: [{ nodeId: "lora", param: "scale", values: range(0, 1.2, 7) }] },
    focus: ["lora"],
  },
  {
    id: "controlnet-window",
    title: "ControlNet start and end",
    summary: "Stop a canny ControlNet earlier and earlier: composition is fixed early, details late.",
    explanation: [
      "A ControlNet only acts between its Start and End, given as fractions of the denoising steps. The denoising timeline in the inspector (select the Sampler or the ControlNet) shows the window on the same axis as the noise level.",
      "The first steps, at high noise, decide the large shapes; the last steps, at low noise, decide textures and fine detail. Ending the ControlNet at 0.2 leaves only a faint trace of the edges; ending at 0.6–0.8 keeps the layout but lets the model finish details freely, which often looks more natural than 1.",
      "Try the opposite too: start at 0.5 and the edges barely register, because the composition was already decided without them.",
    ].join("\n\n"),
    document: controlnetWindow as WorkflowDocument,
    sweep: { axes: [{ nodeId: "canny", param: "end_percentage", values: [0.2, 0.4, 0.6, 0.8, 1] }] },
    focus: ["canny"],
  },
  {
    id: "guidance",
    title: "Classifier-free guidance",
    summary: "The same prompt and seed at guidance 1 to 15.",
    explanation: [
      "At every step the model predicts the noise twice: once with your prompt and once with the negative prompt (or none). Classifier-free guidance takes the difference between the two and pushes the image further in the prompt's direction, by the Guidance factor.",
      "At 1 there is no push: images are soft and may ignore parts of the prompt. Between 5 and 9 the prompt is followed well. Above about 12 the push overshoots: colours burn, contrast gets harsh and details turn crunchy.",
      "Guidance also doubles the work per step, which is why few-step LCM/TCD setups use guidance near 1.",
    ].join("\n\n"),
    document: guidance as WorkflowDocument,
    sweep: { axes: [{ nodeId: "sampler", param: "guidance_scale", values: range(1, 15, 8) }] },
    focus: ["sampler"],
  },
  {
    id: "schedulers",
    title: "Schedulers and step counts",
    summary: "Four schedulers at 8, 20 and 40 steps: which converge early, which keep changing.",
    explanation: [
      "The scheduler decides which noise levels the steps visit and how each step moves from one level to the next. The timeline draws the noise level (sigma) per step for the chosen scheduler.",
      "Euler and DPM++ 2M Karras converge: past 20–30 steps the picture hardly changes. Karras spacing spends more steps at low noise, so it often looks finished sooner. Euler A adds fresh noise at every step, so its picture keeps changing with the step count. DDIM with eta 0 is deterministic and close to Euler.",
      "Read the grid by rows to compare schedulers at one step count, and by columns to see one scheduler converge.",
    ].join("\n\n"),
    document: schedulers as WorkflowDocument,
    sweep: {
      axes: [
        { nodeId: "sched", param: "scheduler", values: ["Euler", "Euler A", "DPM++ 2M Karras", "DDIM"] },
        { nodeId: "sched", param: "num_inference_steps", values: [8, 20, 40] },
      ],
    },
    focus: ["sched"],
  },
  {
    id: "ip-adapter-vs-controlnet",
    title: "IP-Adapter vs ControlNet",
    summary: "Switch an image prompt and a layout control on and off to see what each one carries.",
    explanation: [
      "Both take an image, but they steer different things. An IP-Adapter encodes its reference image (through the CLIP image encoder) and feeds it to the model next to the text: it carries look, style and subject, not layout.",
      "A ControlNet follows a preprocessed control image, here an edge map: it fixes where the lines go, not what the things look like.",
      "The four cells show both, each one alone, and neither. With only the IP-Adapter the diner's mood comes through in a new layout; with only the ControlNet the layout follows the edges in the prompt's own style; with both you get the reference's look in the edge map's shape.",
    ].join("\n\n"),
    document: ipAdapterVsControlnet as WorkflowDocument,
    sweep: { axes: [{ kind: "toggle", nodeIds: ["ipa", "canny"], mode: "all" }] },
    focus: ["ipa", "canny"],
  },
];
