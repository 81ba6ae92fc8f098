import type { Registry, WorkflowNode } from "../graph";

const GENERIC_FILES = new Set(["diffusion_pytorch_model", "pytorch_model", "model", "weights", "adapter_model"]);

/**
 * A short, readable name for a model path: the file name without its extension for a URL
 * ("…/pixel-art-xl.safetensors" → "pixel-art-xl"), the repository name for a Hugging Face id
 * ("diffusers/controlnet-canny-sdxl-1.0" → "controlnet-canny-sdxl-1.0"), and the repository name
 * again when the file has a generic name
 * ("…/InstantID/resolve/main/ControlNetModel/diffusion_pytorch_model.safetensors" → "InstantID").
 */
export function shortModelName(path: string): string {
  const raw = String(path).trim();
  let parts: string[];
  let repo: string | undefined;
  try {
    const url = new URL(raw);
    parts = url.pathname.split("/").filter(Boolean).map(safeDecode);
    if (/(^|\.)huggingface\.co$/.test(url.hostname)) repo = parts[0] === "datasets" ? parts[2] : parts[1];
  } catch {
    parts = raw.split(/[\\/]/).filter(Boolean);
    repo = parts[1];
  }
  const last = parts[parts.length - 1] ?? raw;
  const stem = last.replace(/\.(safetensors|bin|ckpt|pt|pth|onnx)$/i, "");
  if (GENERIC_FILES.has(stem.toLowerCase()) && repo) return repo;
  return stem || raw;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The name a node goes by in sentences: its label, else its type's title plus its model's short name. */
export function nodeDisplayName(node: WorkflowNode, registry: Registry): string {
  if (node.label && node.label.trim()) return node.label.trim();
  const title = registry.get(node.type)?.title ?? node.type;
  const path = node.params?.path;
  return typeof path === "string" && path ? `${title} ${shortModelName(path)}` : title;
}
