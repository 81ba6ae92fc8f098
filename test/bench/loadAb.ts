/**
 * Time to interactive of prebuilt pages side by side, with the load bench's own procedure
 * (`npm run bench -- load`): rounds alternate the pages' order and medians are compared, so two
 * builds of the editor can be told apart on a busy machine (docs/benchmarks.md#the-first-load).
 *
 *   node --import tsx test/bench/loadAb.ts [--rounds 9] main=/tmp/a mine=/tmp/b deps=/tmp/deps
 *
 * A label starting with "deps" is timed as the deps-only page (reading its draft first when the label
 * also holds "db", e.g. `depsdb=/tmp/deps`); the others as the editor.
 */
import { loadavg } from "node:os";
import { serve } from "./browser";
import { depsOnce, oursOnce } from "./load";
import { median } from "./harness";

const args = process.argv.slice(2);
const at = args.indexOf("--rounds");
const rounds = at >= 0 ? Number(args[at + 1]) : 9;
const pages = args.filter((a) => a.includes("=")).map((a) => a.split("=") as [string, string]);
const servers = await Promise.all(pages.map(([, dir]) => serve(dir)));
const times = pages.map(() => [] as number[]);
try {
  for (let r = 0; r < rounds; r++) {
    // Each round starts one page further along the list, so no page is always first.
    const order = pages.map((_, i) => (i + r) % pages.length);
    for (const i of order) {
      const [label] = pages[i];
      const url = servers[i].url;
      times[i].push(await (label.startsWith("deps") ? depsOnce(url, { db: label.includes("db") }) : oursOnce(url)));
    }
    const line = pages.map(([label], i) => `${label} ${times[i][r].toFixed(0)}`).join(", ");
    console.log(`round ${r + 1}: ${line} ms, load ${loadavg()[0].toFixed(1)}`);
  }
} finally {
  await Promise.all(servers.map((s) => s.close()));
}
console.log(`medians: ${pages.map(([label], i) => `${label} ${median(times[i]).toFixed(0)} ms`).join(", ")}`);
