import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "A ControlNet is a copy of part of the model trained to follow a control image: edges (canny), depth, pose, lines. It adds its guidance to the model's features during the steps between Start and End, so composition follows the control image while the prompt decides content.",
  params: {
    path: "The ControlNet model, built for the base model's family, e.g. diffusers/controlnet-canny-sdxl-1.0.",
    conditioning_scale:
      "How strongly the control image constrains the result: 0.5–1 is typical; above 1 can produce artifacts.",
    start_percentage:
      "When it starts acting, as a fraction of the steps. Composition is decided early, so starting late weakens it a lot.",
    end_percentage:
      "When it stops. Ending at 0.5–0.8 lets the model finish details freely, which often looks more natural.",
    config_url: "Only for ControlNets given as a bare weights URL without a config.json.",
    variant: "Weights variant such as fp16.",
  },
  mistakes: [
    "A control image that is not preprocessed: a canny ControlNet expects an edge map, not a photo.",
    "An SD1.5 ControlNet with an SDXL base model.",
    "Start after End: the control never acts (fal refuses it).",
  ],
};

export default explain;
