/**
 * Time to interactive of prebuilt pages side by side, with the load bench's own procedure
 * (`npm run bench -- load`): rounds alternate the pages' order, so two builds of the editor can be
 * told apart on a busy machine (docs/benchmarks.md#the-first-load).
 *
 *   node --import tsx test/bench/loadAb.ts [--rounds 15] main=/tmp/a mine=/tmp/b depsdb=/tmp/deps
 *
 * A label starting with "deps" is timed as the deps-only page (reading its draft first when the label
 * also holds "db", e.g. `depsdb=/tmp/deps`); the others as the editor. The same directory under two
 * labels (`a=/tmp/a b=/tmp/a`) measures the noise floor: how far one build's median moves by chance.
 *
 * Per build it prints the median, the interquartile range and the extremes of time to interactive,
 * and of the parts of the path to the first frame that the page itself reports each round: from
 * navigation to React's first commit, from that commit to the first contentful paint, and the
 * commits made before that paint. Each editor build after the first is compared with the first
 * round by round (the same round, the same moment of the machine's load): the median of those
 * differences, with a bootstrap 90% interval.
 */
import { loadavg } from "node:os";
import { serve } from "./browser";
import { depsOnce, oursOnce, type Probe } from "./load";
import { median } from "./harness";

const args = process.argv.slice(2);
const at = args.indexOf("--rounds");
const rounds = at >= 0 ? Number(args[at + 1]) : 15;
const pages = args.filter((a) => a.includes("=")).map((a) => a.split("=") as [string, string]);

/** One reload of one page: ms from navigation, as the page measured them. */
interface Round {
  tti: number;
  /** The document's response in (the page left before it, the request). */
  html: number;
  /** The entry script's response in. */
  script: number;
  firstCommit: number;
  fcp: number;
  commitsBeforeFcp: number;
  /** Components rendered by the commits before the first contentful paint, in all and each. */
  rendersBeforeFcp: number;
  eachCommit: number[];
  longTasks: number;
  /** The navigation's own timing (PerformanceNavigationTiming), ms from navigation start. */
  nav: Record<(typeof NAV_FIELDS)[number], number>;
}

/**
 * How the reload got to the document: the old page's unload handlers (`unloadEvent*`, 0 when the
 * browser reports none), the request, the response, and the parse up to `domInteractive`.
 */
const NAV_FIELDS = [
  "unloadEventStart",
  "unloadEventEnd",
  "fetchStart",
  "requestStart",
  "responseStart",
  "responseEnd",
  "domInteractive",
] as const;

/**
 * React's commits, timed through the hook React DevTools uses (React calls it once per commit), each
 * with the number of components it rendered: a function or class component whose fiber did work in
 * that commit (React's PerformedWork flag), which, unlike a time, does not depend on the load.
 */
const COMMIT_TIMES = `(() => {
  const commits = (window.__commitTimes = []);
  const renders = (window.__commitRenders = []);
  const count = (f) => {
    let n = 0;
    for (; f; f = f.sibling) {
      // Function, class and forwardRef/memo components (React's work tags 0, 1, 11, 14, 15).
      if ([0, 1, 11, 14, 15].includes(f.tag) && f.flags & 1) n++;
      // A subtree that bailed out keeps its previous children: nothing below it rendered.
      if (!f.alternate || f.child !== f.alternate.child) n += count(f.child);
    }
    return n;
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true, renderers: new Map(), inject: () => 1, checkDCE() {},
    onCommitFiberRoot(_id, root) {
      commits.push(performance.now());
      try { renders.push(count(root.current.child)); } catch { renders.push(NaN); }
    },
    onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, onScheduleFiberRoot() {}, setStrictMode() {},
  };
})()`;

function probe(into: Round[]): Probe {
  return {
    init: COMMIT_TIMES,
    async read(page, tti) {
      const p = await page.evaluate((fields) => {
        const w = window as unknown as {
          __commitTimes: number[];
          __commitRenders: number[];
          __longtasks: PerformanceEntry[];
        };
        const fcp = performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint");
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const entry = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((r) =>
          /\/index-[^/]*\.js$/.test(r.name),
        );
        return {
          commits: w.__commitTimes,
          renders: w.__commitRenders,
          fcp: fcp?.startTime ?? NaN,
          longTasks: w.__longtasks.length,
          html: nav.responseEnd,
          script: entry?.responseEnd ?? NaN,
          nav: Object.fromEntries(fields.map((k) => [k, nav[k]])),
        };
      }, NAV_FIELDS);
      into.push({
        tti,
        html: p.html,
        script: p.script,
        firstCommit: p.commits[0] ?? NaN,
        fcp: p.fcp,
        commitsBeforeFcp: p.commits.filter((c) => c <= p.fcp).length,
        rendersBeforeFcp: p.renders.filter((_, i) => p.commits[i] <= p.fcp).reduce((a, b) => a + b, 0),
        eachCommit: p.renders.filter((_, i) => p.commits[i] <= p.fcp),
        longTasks: p.longTasks,
        nav: p.nav as Round["nav"],
      });
    },
  };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const f0 = (x: number) => x.toFixed(0);
const spread = (xs: number[]) =>
  `${f0(median(xs)).padStart(5)} [IQR ${f0(quantile(xs, 0.25))}–${f0(quantile(xs, 0.75))}, ${f0(Math.min(...xs))}–${f0(Math.max(...xs))}]`;

/** The median of paired differences b − a, with a bootstrap 90% interval (fixed seed: reruns agree). */
function pairedDifference(a: number[], b: number[]): string {
  const d = a.map((x, i) => b[i] - x);
  // mulberry32: a small seeded generator (Math.random cannot be seeded).
  let seed = 12345;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * d.length;
  };
  const boots = Array.from({ length: 2000 }, () => median(d.map(() => d[Math.floor(rand())])));
  return `${f0(median(d))} ms (90% ${f0(quantile(boots, 0.05))} to ${f0(quantile(boots, 0.95))})`;
}

const servers = await Promise.all(pages.map(([, dir]) => serve(dir)));
const results = pages.map(() => [] as Round[]);
console.log(
  `${rounds} rounds, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
try {
  for (let r = 0; r < rounds; r++) {
    // Each round starts one page further along the list, so no page is always first.
    const order = pages.map((_, i) => (i + r) % pages.length);
    for (const i of order) {
      const [label] = pages[i];
      const url = servers[i].url;
      const p = probe(results[i]);
      await (label.startsWith("deps") ? depsOnce(url, { db: label.includes("db"), probe: p }) : oursOnce(url, p));
    }
    const line = pages
      .map(([label], i) => {
        const x = results[i][r];
        return `${label} ${f0(x.tti)} (commit ${f0(x.firstCommit)}, FCP ${f0(x.fcp)}, ${x.commitsBeforeFcp} commits rendering ${x.eachCommit.join("+")})`;
      })
      .join("; ");
    console.log(`round ${r + 1}: ${line}; load ${loadavg()[0].toFixed(1)}`);
  }
} finally {
  await Promise.all(servers.map((s) => s.close()));
}

const col = (i: number, k: Exclude<keyof Round, "eachCommit" | "nav">) => results[i].map((x) => x[k]);
console.log(
  `\nmedian [IQR, min–max] in ms, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
pages.forEach(([label], i) => {
  const toFcp = results[i].map((x) => x.fcp - x.firstCommit);
  console.log(
    `${label.padEnd(8)} TTI ${spread(col(i, "tti"))}; document in ${spread(col(i, "html"))}; ` +
      `entry script in ${spread(col(i, "script"))}; navigation → first commit ${spread(col(i, "firstCommit"))}; ` +
      `first commit → FCP ${spread(toFcp)}; commits before FCP ${spread(col(i, "commitsBeforeFcp"))} ` +
      `rendering ${spread(col(i, "rendersBeforeFcp"))} components; ` +
      `rounds with long tasks ${results[i].filter((x) => x.longTasks > 0).length}/${rounds}`,
  );
});
console.log(`navigation timing, medians in ms from navigation start:`);
pages.forEach(([label], i) => {
  const legs = NAV_FIELDS.map((k) => `${k} ${f0(median(results[i].map((x) => x.nav[k])))}`);
  console.log(`${label.padEnd(8)} ${legs.join(", ")}`);
});
const deps = pages.findIndex(([label]) => label.startsWith("deps"));
const ours = pages.map((_, i) => i).filter((i) => !pages[i][0].startsWith("deps"));
if (deps >= 0)
  for (const i of ours)
    console.log(
      `${pages[i][0]}: TTI ×${(median(col(i, "tti")) / median(col(deps, "tti"))).toFixed(2)} of ${pages[deps][0]}`,
    );
for (const i of ours.slice(1))
  console.log(
    `${pages[i][0]} − ${pages[ours[0]][0]}, round by round: TTI ${pairedDifference(col(ours[0], "tti"), col(i, "tti"))}; ` +
      `first commit ${pairedDifference(col(ours[0], "firstCommit"), col(i, "firstCommit"))}; ` +
      `FCP ${pairedDifference(col(ours[0], "fcp"), col(i, "fcp"))}`,
  );
