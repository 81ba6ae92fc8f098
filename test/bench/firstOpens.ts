/**
 * The first opening of the parts that load on demand (every first open ≤ 100 ms,
 * docs/benchmarks.md#first-opens-of-the-parts-that-load-on-demand-2026-12-07-session-11):
 * the palette, the Request tab and the templates, each timed in the page from the user's press to
 * the frame after the part shows. Shared by the bench's editor section (the figure and its budget)
 * and details.e2e (which checks that nothing is fetched on the way, and prints the times only:
 * a busy machine stretches them).
 */
import type { Page } from "playwright-core";

/** Every part that opens on a click, fetched once the page is idle (docs/codebase.md#the-first-load). */
export const IDLE_PARTS = [
  "Palette",
  "RequestPanel",
  "FilesDialogs",
  "Lessons",
  "VersionDialogs",
  "MakeComponentDialog",
  "AskDialog",
];

export interface FirstOpen {
  ms: number;
  /** Scripts fetched between the press and the frame after: none when the part was prefetched. */
  fetched: string[];
}

/** Which of `prefixes` name a script the page has fetched. */
export const fetchedScripts = (page: Page, prefixes: readonly string[]) =>
  page.evaluate(
    (prefixes) =>
      prefixes.filter((p) =>
        performance.getEntriesByType("resource").some((e) => e.name.split("/").pop()!.startsWith(`${p}-`)),
      ),
    [...prefixes],
  );

/**
 * Times the first opening of a part from the user's press (pointerdown or keydown) to the frame
 * after `selector` appears, with performance marks in the page.
 */
export async function timeFirstOpen(page: Page, selector: string, act: () => Promise<void>): Promise<FirstOpen> {
  await page.evaluate((sel) => {
    const w = window as unknown as { __open: FirstOpen | null };
    w.__open = null;
    const start = () => {
      performance.clearMarks();
      performance.mark("open-start");
      removeEventListener("pointerdown", start, true);
      removeEventListener("keydown", start, true);
    };
    addEventListener("pointerdown", start, true);
    addEventListener("keydown", start, true);
    const obs = new MutationObserver(() => {
      if (!document.querySelector(sel)) return;
      obs.disconnect();
      requestAnimationFrame(() => {
        performance.mark("open-end");
        const m = performance.measure("open", "open-start", "open-end");
        const fetched = performance
          .getEntriesByType("resource")
          .filter((e) => e.name.endsWith(".js") && e.startTime >= m.startTime)
          .map((e) => e.name.split("/").pop()!);
        w.__open = { ms: m.duration, fetched };
      });
    });
    obs.observe(document.body, { childList: true, subtree: true });
  }, selector);
  await act();
  const done = await page.waitForFunction(() => (window as unknown as { __open: FirstOpen | null }).__open, null, {
    timeout: 30_000,
  });
  return (await done.jsonValue()) as FirstOpen;
}

/**
 * Opens the palette (Space with the pointer at `free`, a point of bare canvas), the Request tab and
 * the templates, each for the first time, once every idle part has been fetched.
 */
export async function firstOpens(page: Page, free: { x: number; y: number }) {
  await page.waitForFunction(
    (parts) =>
      parts.every((p) =>
        performance.getEntriesByType("resource").some((e) => e.name.split("/").pop()!.startsWith(`${p}-`)),
      ),
    IDLE_PARTS,
    { timeout: 30_000 },
  );
  await page.mouse.move(free.x, free.y);
  const palette = await timeFirstOpen(page, ".palette-list li", () => page.keyboard.press("Space"));
  await page.keyboard.press("Escape");
  const request = await timeFirstOpen(page, ".req-body .jl", () => page.getByRole("tab", { name: "Request" }).click());
  const templates = await timeFirstOpen(page, '[data-testid="lesson-gallery"] .lg-card', () =>
    page.getByRole("button", { name: "Templates" }).click(),
  );
  return { palette, request, templates };
}
