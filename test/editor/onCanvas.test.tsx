// @vitest-environment happy-dom
// An overlay that comes after the canvas (the autosave chip) is drawn on it in its first commit:
// finding the canvas from an effect cost one more commit before the first frame
// (docs/benchmarks.md#the-first-load).
import { Profiler } from "react";
import { afterEach, expect, it } from "vitest";
import { cleanup, render } from "@testing-library/react";
import { OnCanvas } from "../../src/editor/library/OnCanvas";

afterEach(cleanup);

it("renders into a canvas already in the page in one commit", () => {
  const canvas = document.createElement("div");
  canvas.className = "canvas";
  document.body.append(canvas);
  try {
    const commits: string[] = [];
    render(
      <Profiler id="chip" onRender={(_id, phase) => commits.push(phase)}>
        <OnCanvas>
          <span data-chip>Saved in browser</span>
        </OnCanvas>
      </Profiler>,
    );
    expect(canvas.querySelector(".lg-on-canvas [data-chip]")).not.toBeNull();
    expect(commits).toEqual(["mount"]);
  } finally {
    canvas.remove();
  }
});

it("without a canvas, falls back to the page", () => {
  const view = render(
    <OnCanvas>
      <span data-chip />
    </OnCanvas>,
  );
  expect(view.container.querySelector(".lg-on-page [data-chip]")).not.toBeNull();
});
