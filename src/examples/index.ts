/**
 * Example workflows the editor offers as templates. Each is a plain workflow file, so it is
 * loaded, migrated and compiled exactly like a user's own file. The first is the starter shown
 * on a first visit.
 */
import type { WorkflowDocument } from "../graph";
import medievalQueen from "./medieval-queen.json";
import sdxlTwoLoras from "./sdxl-two-loras.json";
import maskedControlnet from "./masked-controlnet.json";
import ipAdapterPlus from "./ip-adapter-plus.json";
import instantid from "./instantid.json";
import icLightRelight from "./ic-light-relight.json";
import customSigmas from "./custom-sigmas.json";
import imageToImage from "./image-to-image.json";
import inpaint from "./inpaint.json";

export interface Example {
  /** Stable id, also the JSON file's name. */
  id: string;
  title: string;
  /** One line, shown in the template picker. */
  description: string;
  document: WorkflowDocument;
}

function example(id: string, json: unknown): Example {
  const document = json as WorkflowDocument;
  return { id, title: document.meta.name ?? id, description: document.meta.description ?? "", document };
}

/** In menu order; the first is the starter. Treat as read-only: copy a document before editing it. */
// Pure: bundlers drop the examples (and their JSON) from chunks that never read them.
export const examples: readonly Example[] = /* @__PURE__ */ (() => [
  example("medieval-queen", medievalQueen),
  example("sdxl-two-loras", sdxlTwoLoras),
  example("masked-controlnet", maskedControlnet),
  example("ip-adapter-plus", ipAdapterPlus),
  example("instantid", instantid),
  example("ic-light-relight", icLightRelight),
  example("custom-sigmas", customSigmas),
  example("image-to-image", imageToImage),
  example("inpaint", inpaint),
])();
