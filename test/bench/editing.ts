/**
 * Edit latency and autosave, in the production editor with a generated pipeline.
 *  - edit: at 500 nodes, a keystroke in a node's text field → the request preview shows the new
 *    value (diagnostics come from the same compile) and the page is laid out, measured in the page
 *    from the keydown event's timestamp. Baseline: the same keystroke in a bare <input> on the
 *    same page (what the browser alone costs).
 *  - autosave: at 1,000 nodes, the longest main-thread task (PerformanceObserver longtask) while
 *    the autosave that follows an edit runs (no task = 0: nothing over 50 ms). Baseline:
 *    JSON.stringify of the same document in the same page.
 */
import type { Page } from "playwright-core";
import { builds } from "./build";
import { serve } from "./browser";
import { openEditorWith } from "./editor";
import { generatePipeline } from "./compile";
import { serializeWorkflow } from "../../src/graph";
import { median, type BenchOptions, type BudgetCheck } from "./harness";

const EDIT_NODES = 500;
const EDIT_BUDGET_MS = 16;
const AUTOSAVE_NODES = 1_000;
const AUTOSAVE_BUDGET_MS = 50;

/** A rendered node's first text field whose value appears in the request (a LoRA path). */
async function pickLoraField(page: Page) {
  const id = await page.evaluate(() => {
    const els = [...document.querySelectorAll<HTMLElement>('.react-flow__node[data-id^="lora-"]')].filter((n) =>
      n.querySelector('input[type="text"]'),
    );
    return els[0]?.dataset.id ?? "";
  });
  if (!id) throw new Error("no LoRA node with a text field on screen");
  return page.locator(`.react-flow__node[data-id="${id}"] input[type="text"]`).first();
}

/**
 * Arms the page to time the next keystroke until `.req-body` contains `expect` and layout is done.
 * Arming is awaited before the key is pressed; the returned function waits for the measurement.
 */
async function armKeystroke(page: Page, expect: string): Promise<() => Promise<number>> {
  await page.evaluate((expect) => {
    const w = window as unknown as { __edit: Promise<number> };
    w.__edit = new Promise<number>((resolve, reject) => {
      let t0 = 0;
      const body = document.querySelector(".req-body");
      if (!body) return reject(new Error("the request preview is not open"));
      const done = () => {
        document.body.getBoundingClientRect();
        const t1 = performance.now();
        obs.disconnect();
        removeEventListener("keydown", onKey, true);
        resolve(t1 - t0);
      };
      const obs = new MutationObserver(() => {
        if (t0 && body.textContent!.includes(expect)) done();
      });
      const onKey = (e: KeyboardEvent) => {
        t0 = e.timeStamp;
      };
      addEventListener("keydown", onKey, true);
      obs.observe(body, { subtree: true, childList: true, characterData: true });
      setTimeout(() => reject(new Error(`request preview never showed ${expect}`)), 10_000);
    });
  }, expect);
  return () => page.evaluate(() => (window as unknown as { __edit: Promise<number> }).__edit);
}

/** The same keystroke into a plain input outside React: the browser's own input → layout cost. */
async function armBareKeystroke(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __edit: Promise<number> };
    w.__edit = new Promise<number>((resolve) => {
      const input = document.getElementById("bench-bare") as HTMLInputElement;
      let t0 = 0;
      const onInput = () => {
        document.body.getBoundingClientRect();
        input.removeEventListener("input", onInput);
        resolve(performance.now() - t0);
      };
      input.addEventListener("keydown", (e) => (t0 = e.timeStamp), { once: true });
      input.addEventListener("input", onInput);
    });
  });
  return () => page.evaluate(() => (window as unknown as { __edit: Promise<number> }).__edit);
}

export async function editSection(opts: BenchOptions): Promise<BudgetCheck[]> {
  const { app } = await builds();
  const srv = await serve(app);
  const runs = opts.quick ? 1 : 3;
  const keys = opts.quick ? 10 : 20;
  const ours: number[] = [];
  const bare: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const b = await openEditorWith(srv.url, EDIT_NODES);
      try {
        const page = b.page;
        await page.getByRole("tab", { name: "Request" }).click();
        await page.waitForSelector(".req-body");
        const field = await pickLoraField(page);
        await field.click();
        await page.keyboard.press("End");
        let value = await field.inputValue();
        for (let i = 0; i < keys; i++) {
          const ch = "abcdefghij"[i % 10];
          value += ch;
          const measured = await armKeystroke(page, JSON.stringify(value));
          await page.keyboard.press(ch);
          ours.push(await measured());
          await page.waitForTimeout(80);
        }
        await page.evaluate(() => {
          const i = document.createElement("input");
          i.id = "bench-bare";
          i.style.cssText = "position:fixed;left:0;top:0;z-index:9999";
          document.body.appendChild(i);
        });
        await page.click("#bench-bare");
        for (let i = 0; i < keys; i++) {
          const measured = await armBareKeystroke(page);
          await page.keyboard.press("x");
          bare.push(await measured());
          await page.waitForTimeout(30);
        }
      } finally {
        await b.close();
      }
    }
  } finally {
    await srv.close();
  }
  const o = median(ours);
  const base = median(bare);
  const p90 = [...ours].sort((a, b) => a - b)[Math.floor(ours.length * 0.9)];
  return [
    {
      label: `${EDIT_NODES} nodes: keystroke → diagnostics + request preview (median of ${ours.length})`,
      actual: `${o.toFixed(1)} ms (p90 ${p90.toFixed(1)})`,
      baseline: `${base.toFixed(1)} ms`,
      ratio: `×${(o / base).toFixed(1)}`,
      budget: `≤ ${EDIT_BUDGET_MS} ms`,
      pass: o <= EDIT_BUDGET_MS,
    },
  ];
}

export async function autosaveSection(opts: BenchOptions): Promise<BudgetCheck[]> {
  const { app } = await builds();
  const srv = await serve(app);
  const runs = opts.quick ? 1 : 3;
  const longest: number[] = [];
  const stringify: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const b = await openEditorWith(srv.url, AUTOSAVE_NODES);
      try {
        const page = b.page;
        // Let the autosave of the opened pipeline finish first.
        await page.waitForFunction(
          () => document.querySelector('[data-testid="autosave-status"]')?.getAttribute("data-state") === "saved",
          undefined,
          { timeout: 20_000 },
        );
        await page.evaluate(() => {
          const w = window as unknown as { __lt: PerformanceEntry[] };
          w.__lt = [];
          new PerformanceObserver((l) => w.__lt.push(...l.getEntries())).observe({ type: "longtask" });
        });
        const field = await pickLoraField(page);
        await field.click();
        await page.keyboard.press("End");
        await page.keyboard.press("z");
        // The edit's own render is done well before the 300 ms debounce; measure from here.
        await page.waitForTimeout(120);
        const from = await page.evaluate(() => performance.now());
        await page
          .waitForFunction(
            () => document.querySelector('[data-testid="autosave-status"]')?.getAttribute("data-state") !== "saved",
            undefined,
            { timeout: 5_000 },
          )
          .catch(() => undefined);
        await page.waitForFunction(
          () => document.querySelector('[data-testid="autosave-status"]')?.getAttribute("data-state") === "saved",
          undefined,
          { timeout: 20_000 },
        );
        await page.waitForTimeout(150);
        const tasks = await page.evaluate(
          (from) =>
            (window as unknown as { __lt: PerformanceEntry[] }).__lt
              .filter((t) => t.startTime + t.duration >= from)
              .map((t) => t.duration),
          from,
        );
        longest.push(Math.max(0, ...tasks));
        // Baseline: JSON.stringify of the same document in the same page, the least any save must do.
        const text = serializeWorkflow(generatePipeline(AUTOSAVE_NODES));
        stringify.push(
          await page.evaluate((text) => {
            const doc = JSON.parse(text);
            const t0 = performance.now();
            JSON.stringify(doc);
            return performance.now() - t0;
          }, text),
        );
      } finally {
        await b.close();
      }
    }
  } finally {
    await srv.close();
  }
  const o = median(longest);
  const base = median(stringify);
  return [
    {
      label: `${AUTOSAVE_NODES} nodes: longest main-thread task during autosave`,
      actual: `${o.toFixed(0)} ms`,
      baseline: `${base.toFixed(1)} ms (JSON.stringify)`,
      ratio: `×${(o / base).toFixed(1)}`,
      budget: `≤ ${AUTOSAVE_BUDGET_MS} ms`,
      pass: o <= AUTOSAVE_BUDGET_MS,
    },
  ];
}
