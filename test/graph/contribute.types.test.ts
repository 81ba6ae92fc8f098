/**
 * `contribute` is typed against the request: a wrong field name or a value of the wrong shape in
 * `ctx.set` or `ctx.append` fails `npm run typecheck` (which CI runs). The @ts-expect-error lines
 * below are the proof: if one of them stopped being an error, tsc would fail on the directive.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { Sourced, type ContributeContext, type Sendable } from "../../src/graph";

/** Type-checked, never called: only tsc reads these bodies. */
function contributions(ctx: ContributeContext<{ width?: number; label?: string }>) {
  ctx.set("tile_width", 1024);
  ctx.set("tile_width", ctx.params.width);
  ctx.set("scheduler", null);
  ctx.set("image_url", new Sourced("https://example.com/a.png", { nodeId: "img", field: "url" }));
  ctx.append("controlnets", { path: "a/b", image_url: ctx.input("image"), conditioning_scale: 0.5 });
  ctx.append("ip_adapter", { ip_adapter_image_url: ["https://example.com/a.png"], scale_json: { up: [1, 0] } });

  // @ts-expect-error no such request field
  ctx.set("tile_widht", 1024);
  // @ts-expect-error tile_width is a number
  ctx.set("tile_width", "1024");
  // @ts-expect-error a Sourced value of the wrong type
  ctx.set("tile_width", new Sourced("wide", { nodeId: "x" }));
  // @ts-expect-error a param of another type
  ctx.set("guidance_scale", ctx.params.label);
  // @ts-expect-error scheduler is one of fal's names
  ctx.set("scheduler", "Euler Karras");
  // @ts-expect-error not a list of the request
  ctx.append("controlnet", { path: "a/b" });
  // @ts-expect-error ControlNet items have image_url, not control_image_url
  ctx.append("controlnets", { path: "a/b", control_image_url: "https://example.com/a.png" });
  // @ts-expect-error conditioning_scale is a number
  ctx.append("controlnets", { path: "a/b", conditioning_scale: "strong" });
  // @ts-expect-error LoRA items have no weight
  ctx.append("loras", { path: "a/b", weight: 1 });
}

describe("ContributeContext types", () => {
  it("set takes a request field and its value, plain or Sourced", () => {
    expectTypeOf<Sendable<number>>().toEqualTypeOf<number | Sourced<number | undefined> | undefined>();
    expect(typeof contributions).toBe("function");
  });
});
