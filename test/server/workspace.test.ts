/**
 * The workspace API (docs/components.md#the-workspace-api): list, read, atomic writes with ETag
 * checks, live updates from disk; and WSP-01…04 (docs/reliability-cases.md): hostile requests are
 * refused and logged.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/server/app";
import { createWorkspace, MAX_LIST_BYTES, TOKEN_HEADER, type Workspace } from "../../src/server/workspace/index";
import { etagOf, parseFilePath } from "../../src/server/workspace/store";
import { emptyDocument, serializeWorkflow, withHash } from "../../src/graph";
import { serializeComponentFile } from "../../src/graph/componentFile";

let dir: string;
let app: App;
let ws: Workspace;
let base: string;
let logs: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "lora-graph-ws-"));
  logs = [];
  const logger = { info: () => {}, warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m) };
  // A settle long enough that a test can write a file in two steps well inside it (see WSP-06).
  ws = await createWorkspace({
    dir: join(dir, "ws"),
    token: "s3cret-token",
    logger,
    maxBytes: 64 * 1024,
    settleMs: 300,
  });
  app = createApp({ workspace: ws, logger, distDir: join(dir, "no-dist") });
  base = await app.listen(0, "127.0.0.1");
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request with the path exactly as given (fetch and URL would normalise `..`). */
function raw(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

const pipeline = (name: string) => serializeWorkflow(emptyDocument({ name }));
const json = { "content-type": "application/json" };

describe("workspace API", () => {
  it("writes atomically, lists, reads with an ETag, and refuses a stale If-Match with 412", async () => {
    const created = await raw("PUT", "/api/workspace/pipelines/My%20castle.json", pipeline("a"), {
      ...json,
      "if-none-match": "*",
    });
    expect(created.status).toBe(200);
    const etag = JSON.parse(created.body).etag as string;
    expect(readFileSync(join(dir, "ws", "pipelines", "My castle.json"), "utf8")).toBe(pipeline("a"));
    expect(readdirSync(join(dir, "ws", "pipelines"))).toEqual(["My castle.json"]);
    const listed = JSON.parse((await raw("GET", "/api/workspace")).body);
    expect(listed.pipelines).toMatchObject([{ name: "My castle.json", etag }]);
    const read = await raw("GET", "/api/workspace/pipelines/My%20castle.json");
    expect(read.headers.etag).toBe(etag);
    expect(read.body).toBe(pipeline("a"));
    // Someone changes the file on disk; a save based on the old ETag must not overwrite it.
    writeFileSync(join(dir, "ws", "pipelines", "My castle.json"), pipeline("changed on disk"));
    const stale = await raw("PUT", "/api/workspace/pipelines/My%20castle.json", pipeline("b"), {
      ...json,
      "if-match": etag,
    });
    expect(stale.status).toBe(412);
    const current = JSON.parse(stale.body).etag;
    expect(readFileSync(join(dir, "ws", "pipelines", "My castle.json"), "utf8")).toBe(pipeline("changed on disk"));
    const again = await raw("PUT", "/api/workspace/pipelines/My%20castle.json", pipeline("b"), {
      ...json,
      "if-match": current,
    });
    expect(again.status).toBe(200);
    expect(
      await raw("PUT", "/api/workspace/pipelines/My%20castle.json", pipeline("c"), { "if-none-match": "*" }),
    ).toMatchObject({ status: 412 });
  });

  it("refuses non-JSON, JSON that is not a pipeline, and a component under another name", async () => {
    expect((await raw("PUT", "/api/workspace/pipelines/a.json", "{not json")).status).toBe(400);
    const notPipeline = await raw(
      "PUT",
      "/api/workspace/pipelines/a.json",
      JSON.stringify({ model_name: "x", prompt: "y" }),
    );
    expect(notPipeline.status).toBe(422);
    expect((await raw("PUT", "/api/workspace/components/a.json", pipeline("x"))).status).toBe(422);
    expect(readdirSync(join(dir, "ws", "pipelines"))).toEqual([]);
  });

  it("pushes changes made on disk to live-update streams", async () => {
    const { hostname, port } = new URL(base);
    const got = new Promise<string>((resolve) => {
      request({ hostname, port, path: "/api/workspace/events" }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
          if (text.includes(": watching")) writeFileSync(join(dir, "ws", "pipelines", "from-git.json"), pipeline("g"));
          if (text.includes("event: change")) {
            resolve(text);
            res.destroy();
          }
        });
      }).end();
    });
    const text = await got;
    const data = JSON.parse(/data: (.*)/.exec(text)![1]);
    expect(data).toMatchObject({
      kind: "pipelines",
      name: "from-git.json",
      etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
  });

  it("checks Host and Origin like every route", async () => {
    expect((await raw("GET", "/api/workspace", undefined, { host: "evil.example" })).status).toBe(421);
    const foreign = await raw("PUT", "/api/workspace/pipelines/a.json", pipeline("a"), {
      origin: "https://evil.example",
    });
    expect(foreign.status).toBe(403);
  });
});

describe("workspace wildcard lists", () => {
  it("writes, lists and reads wildcards/*.txt as text, with the same ETag checks", async () => {
    const put = await raw("PUT", "/api/workspace/wildcards/colors.txt", "red\ngreen\n# a comment\n__shades__\n");
    expect(put.status).toBe(200);
    const { etag } = JSON.parse(put.body) as { etag: string };
    expect(readFileSync(join(dir, "ws", "wildcards", "colors.txt"), "utf8")).toBe(
      "red\ngreen\n# a comment\n__shades__\n",
    );
    expect(JSON.parse((await raw("GET", "/api/workspace")).body).wildcards).toMatchObject([
      { name: "colors.txt", etag },
    ]);
    const read = await raw("GET", "/api/workspace/wildcards/colors.txt");
    expect(read.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(read.body).toBe("red\ngreen\n# a comment\n__shades__\n");
    writeFileSync(join(dir, "ws", "wildcards", "colors.txt"), "blue\n");
    expect((await raw("PUT", "/api/workspace/wildcards/colors.txt", "x", { "if-match": etag })).status).toBe(412);
    expect(readFileSync(join(dir, "ws", "wildcards", "colors.txt"), "utf8")).toBe("blue\n");
  });

  it("WSP-05 refuses a list over 1 MiB, not UTF-8 text, or named as __name__ could not write it", async () => {
    const refused = [
      // Refused by this suite's 64 KiB file cap; the list's own 1 MiB check is reached below.
      ["/api/workspace/wildcards/colors.txt", "red\n".repeat(MAX_LIST_BYTES / 4 + 1)],
      ["/api/workspace/wildcards/colors.txt", Buffer.from([0x72, 0xff, 0x0a])],
      ["/api/workspace/wildcards/colors.txt", "red\u0000\n"],
      ["/api/workspace/wildcards/my%20colors.txt", "red"],
      ["/api/workspace/wildcards/.colors.txt", "red"],
      ["/api/workspace/wildcards/colors.json", "red"],
      ["/api/workspace/wildcards/..%2fpipelines%2fa.txt", "red"],
      ["/api/workspace/pipelines/colors.txt", "red"],
    ] as const;
    for (const [path, body] of refused) expect((await raw("PUT", path, body)).status, path).toBeGreaterThanOrEqual(400);
    expect(readdirSync(join(dir, "ws", "wildcards"))).toEqual([]);
    expect(readdirSync(join(dir, "ws", "pipelines"))).toEqual([]);
    expect(logs.some((l) => l.includes("422 not_text"))).toBe(true);
  });

  it("WSP-05 a list over 1 MiB is refused by the list's own check, under a file cap that would let it through", async () => {
    // The suite's workspace caps bodies at 64 KiB, which would refuse this body before the list
    // check is reached; this one has a 4 MiB cap, so only the list's 1 MiB can refuse it.
    const wsDir = join(dir, "ws-big");
    const logger = { info: () => {}, warn: (m: string) => void logs.push(m), error: () => {} };
    const big = await createWorkspace({ dir: wsDir, logger, maxBytes: 4 * 1024 * 1024 });
    const bigApp = createApp({ workspace: big, logger, distDir: join(dir, "no-dist") });
    const bigBase = await bigApp.listen(0, "127.0.0.1");
    try {
      const put = (body: string) => fetch(`${bigBase}/api/workspace/wildcards/colors.txt`, { method: "PUT", body });
      const over = await put("r".repeat(MAX_LIST_BYTES) + "\n");
      expect(over.status).toBe(413);
      expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(
        /A wildcard list is at most 1048576 bytes/,
      );
      expect(logs.some((l) => l.includes("wildcards/colors.txt") && l.includes("413 too_large"))).toBe(true);
      expect(readdirSync(join(wsDir, "wildcards"))).toEqual([]);
      // At the cap exactly, the list is written.
      expect((await put("r".repeat(MAX_LIST_BYTES - 1) + "\n")).status).toBe(200);
      expect(readdirSync(join(wsDir, "wildcards"))).toEqual(["colors.txt"]);
    } finally {
      await bigApp.close();
    }
  });
});

describe("hostile workspace requests", () => {
  it("WSP-01 traversal in any spelling is refused and logged; nothing outside is read or written", async () => {
    writeFileSync(join(dir, "secret.json"), '{"secret":true}');
    const paths = [
      "/api/workspace/pipelines/../../secret.json",
      "/api/workspace/pipelines/..%2f..%2fsecret.json",
      "/api/workspace/pipelines/%2e%2e%2f%2e%2e%2fsecret.json",
      "/api/workspace/pipelines/%252e%252e%252fsecret.json",
      "/api/workspace/pipelines/..\\..\\secret.json",
      "/api/workspace/pipelines/..%5c..%5csecret.json",
      "/api/workspace/pipelines/.hidden.json",
      "/api/workspace/pipelines/a%00.json",
      "/api/workspace/pipelines/a<b>.json",
      "/api/workspace/pipelines/notes.txt",
      "/api/workspace/../secret.json",
      "/api/workspace/elsewhere/a.json",
    ];
    for (const p of paths) {
      const get = await raw("GET", p);
      expect([400, 404], p).toContain(get.status);
      expect(get.body).not.toContain(`"secret":true`);
      expect((await raw("PUT", p, pipeline("x"))).status, p).toBeGreaterThanOrEqual(400);
    }
    expect(logs.filter((l) => l.startsWith("workspace: refused")).length).toBeGreaterThanOrEqual(paths.length);
    expect(readFileSync(join(dir, "secret.json"), "utf8")).toBe('{"secret":true}');
    expect(() => parseFilePath("pipelines/%E0%A4%A.json")).toThrow(/percent-encoding/);
  });

  it("WSP-02 a symlink leading out of the workspace is neither read nor written through", async () => {
    writeFileSync(join(dir, "outside.json"), '{"outside":true}');
    symlinkSync(join(dir, "outside.json"), join(dir, "ws", "pipelines", "link.json"));
    mkdirSync(join(dir, "elsewhere"));
    const read = await raw("GET", "/api/workspace/pipelines/link.json");
    expect(read.status).toBe(403);
    expect(read.body).not.toContain('outside":true');
    expect((await raw("PUT", "/api/workspace/pipelines/link.json", pipeline("x"))).status).toBe(403);
    expect(readFileSync(join(dir, "outside.json"), "utf8")).toBe('{"outside":true}');
    expect(JSON.parse((await raw("GET", "/api/workspace")).body).pipelines).toEqual([]);
    expect(logs.some((l) => l.includes("403 outside_workspace"))).toBe(true);
  });

  it("WSP-03 a body over the file cap is refused with 413 and logged; nothing is written", async () => {
    const huge = Buffer.alloc(65 * 1024, 0x20);
    const r = await raw("PUT", "/api/workspace/pipelines/big.json", huge);
    expect(r.status).toBe(413);
    expect(readdirSync(join(dir, "ws", "pipelines"))).toEqual([]);
    expect(logs.some((l) => l.includes("big.json") && l.includes("body"))).toBe(true);
  });

  it("WSP-04 beyond loopback, writes without the right token header are refused and logged", async () => {
    ws.setRemote(true);
    const path = "/api/workspace/pipelines/a.json";
    expect((await raw("PUT", path, pipeline("a"))).status).toBe(401);
    expect((await raw("PUT", path, pipeline("a"), { [TOKEN_HEADER]: "wrong" })).status).toBe(401);
    expect((await raw("PUT", path, pipeline("a"), { cookie: `${TOKEN_HEADER}=s3cret-token` })).status).toBe(401);
    expect(logs.filter((l) => l.includes("401 token_required"))).toHaveLength(3);
    expect((await raw("GET", "/api/workspace")).status).toBe(200);
    expect((await raw("PUT", path, pipeline("a"), { [TOKEN_HEADER]: "s3cret-token" })).status).toBe(200);
  });
});

/** Opens the live-update stream; resolves with its status once the head arrives, and a reader. */
function openEvents(path = "/api/workspace/events", headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(base);
  return new Promise<{ status: number; type: string; text: () => string; close(): void }>((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => void (text += c.toString()));
      resolve({
        status: res.statusCode ?? 0,
        type: String(res.headers["content-type"] ?? ""),
        text: () => text,
        close: () => res.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("WSP-06 the live-update route", () => {
  it("refuses a foreign Host or Origin, and serves its own origin", async () => {
    const evilHost = await openEvents(undefined, { host: "evil.example" });
    evilHost.close();
    expect(evilHost.status).toBe(421);
    const evilOrigin = await openEvents(undefined, { origin: "https://evil.example" });
    evilOrigin.close();
    expect(evilOrigin.status).toBe(403);
    const { host } = new URL(base);
    const own = await openEvents(undefined, { origin: `http://${host}` });
    own.close();
    expect(own.status).toBe(200);
    expect(own.type).toMatch(/^text\/event-stream/);
  });

  it("is no way around the name checks: events paths with traversal are refused", async () => {
    for (const path of [
      "/api/workspace/events/..%2f..%2fsecret.json",
      "/api/workspace/events%2f..%2fsecret.json",
      "/api/workspace/pipelines/..%5cevents",
    ]) {
      const r = await raw("GET", path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.headers["content-type"], path).not.toMatch(/event-stream/);
    }
  });

  it("announces only workspace file names, never temporary or foreign ones", async () => {
    const s = await openEvents();
    await expect.poll(() => s.text()).toContain(": watching");
    const folder = join(dir, "ws", "pipelines");
    writeFileSync(join(folder, ".tmp-save.json"), pipeline("t"));
    writeFileSync(join(folder, "not;allowed.json"), pipeline("n"));
    writeFileSync(join(folder, "fine.json"), pipeline("f"));
    await expect.poll(() => s.text()).toContain("fine.json");
    s.close();
    const names = [...s.text().matchAll(/data: (.*)/g)].map((m) => JSON.parse(m[1]).name);
    expect(new Set(names)).toEqual(new Set(["fine.json"]));
  });

  it("tells another program's write once, by its final content, never the empty file between", async () => {
    const s = await openEvents();
    await expect.poll(() => s.text()).toContain(": watching");
    const file = join(dir, "ws", "pipelines", "half-written.json");
    const told = () =>
      [...s.text().matchAll(/data: (.*)/g)]
        .map((m) => JSON.parse(m[1]) as { name: string; etag: string | null })
        .filter((c) => c.name === "half-written.json")
        .map((c) => c.etag);
    // writeFile truncates, then writes. A watcher that reads at once sees the empty file if the
    // writer is slow between the two; 60 ms is that gap, well inside the test server's 300 ms settle.
    writeFileSync(file, "");
    await new Promise((r) => setTimeout(r, 60));
    const text = pipeline("half");
    writeFileSync(file, text);
    const final = etagOf(Buffer.from(text));
    await expect.poll(told).toContain(final);
    s.close();
    expect(told()).toEqual([final]);
  });
});

const styleStack = JSON.parse(readFileSync("test/fixtures/components/style-stack.json", "utf8"));
const componentText = serializeComponentFile({ definition: withHash(styleStack.components[0]), uses: [] });
const componentName = "local.style-stack.1.0.0.json";

describe("WSP-07 deleting workspace files", () => {
  it("deletes only the version it was read at, and answers 404 for a file that is gone", async () => {
    const put = await raw("PUT", "/api/workspace/pipelines/Castle.json", pipeline("Castle"));
    const { etag } = JSON.parse(put.body) as { etag: string };
    writeFileSync(join(dir, "ws", "pipelines", "Castle.json"), pipeline("changed on disk"));
    const stale = await raw("DELETE", "/api/workspace/pipelines/Castle.json", undefined, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect(JSON.parse(stale.body).etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(readdirSync(join(dir, "ws", "pipelines"))).toEqual(["Castle.json"]);
    const current = JSON.parse(stale.body).etag as string;
    expect(
      (await raw("DELETE", "/api/workspace/pipelines/Castle.json", undefined, { "if-match": current })).status,
    ).toBe(200);
    expect(readdirSync(join(dir, "ws", "pipelines"))).toEqual([]);
    expect((await raw("DELETE", "/api/workspace/pipelines/Castle.json")).status).toBe(404);
  });

  it("refuses traversal, foreign origins, a missing token and escaping links; removes a link, not its target", async () => {
    writeFileSync(join(dir, "secret.json"), '{"secret":true}');
    for (const p of [
      "/api/workspace/pipelines/..%2f..%2fsecret.json",
      "/api/workspace/pipelines/%252e%252e%252fsecret.json",
      "/api/workspace/pipelines/..%5c..%5csecret.json",
      "/api/workspace/../secret.json",
      "/api/workspace/pipelines/CON.json",
    ])
      expect((await raw("DELETE", p)).status, p).toBeGreaterThanOrEqual(400);
    symlinkSync(join(dir, "secret.json"), join(dir, "ws", "pipelines", "out.json"));
    expect((await raw("DELETE", "/api/workspace/pipelines/out.json")).status).toBe(403);
    expect(readFileSync(join(dir, "secret.json"), "utf8")).toBe('{"secret":true}');
    await raw("PUT", "/api/workspace/pipelines/real.json", pipeline("r"));
    symlinkSync(join(dir, "ws", "pipelines", "real.json"), join(dir, "ws", "pipelines", "alias.json"));
    expect((await raw("DELETE", "/api/workspace/pipelines/alias.json")).status).toBe(200);
    expect(readdirSync(join(dir, "ws", "pipelines")).sort()).toEqual(["out.json", "real.json"]);
    const foreign = await raw("DELETE", "/api/workspace/pipelines/real.json", undefined, {
      origin: "https://evil.example",
    });
    expect(foreign.status).toBe(403);
    expect(
      (await raw("DELETE", "/api/workspace/pipelines/real.json", undefined, { host: "evil.example" })).status,
    ).toBe(421);
    ws.setRemote(true);
    expect((await raw("DELETE", "/api/workspace/pipelines/real.json")).status).toBe(401);
    expect(readdirSync(join(dir, "ws", "pipelines"))).toContain("real.json");
    expect(logs.some((l) => l.startsWith("workspace: refused DELETE"))).toBe(true);
  });

  it("a component that workspace pipelines still use is kept until force=1, naming them", async () => {
    writeFileSync(join(dir, "ws", "components", componentName), componentText);
    writeFileSync(join(dir, "ws", "pipelines", "Castle.json"), JSON.stringify(styleStack));
    writeFileSync(join(dir, "ws", "pipelines", "Empty.json"), pipeline("Empty"));
    const kept = await raw("DELETE", `/api/workspace/components/${componentName}`);
    expect(kept.status).toBe(409);
    const body = JSON.parse(kept.body);
    expect(body.usedBy).toEqual(["Castle.json"]);
    expect(body.error.message).toMatch(
      /pipelines\/Castle\.json still uses components\/local\.style-stack\.1\.0\.0\.json/,
    );
    expect(readdirSync(join(dir, "ws", "components"))).toEqual([componentName]);
    expect((await raw("DELETE", `/api/workspace/components/${componentName}?force=1`)).status).toBe(200);
    expect(readdirSync(join(dir, "ws", "components"))).toEqual([]);
  });
});

describe("WSP-08 renaming workspace files", () => {
  const rename = (from: string, to: unknown, headers: Record<string, string> = {}) =>
    raw("POST", `/api/workspace/pipelines/${encodeURIComponent(from)}`, JSON.stringify({ renameTo: to }), {
      ...json,
      ...headers,
    });
  const files = () => readdirSync(join(dir, "ws", "pipelines")).sort();

  it("renames with the name inside following, and refuses a stale If-Match", async () => {
    const put = await raw("PUT", "/api/workspace/pipelines/Castle.json", pipeline("Castle"));
    const { etag } = JSON.parse(put.body) as { etag: string };
    const r = await rename("Castle.json", "Keep.json", { "if-match": etag });
    expect(r.status).toBe(200);
    const answer = JSON.parse(r.body);
    expect(answer).toMatchObject({ name: "Keep.json", from: "Castle.json" });
    expect(files()).toEqual(["Keep.json"]);
    expect(readFileSync(join(dir, "ws", "pipelines", "Keep.json"), "utf8")).toBe(pipeline("Keep"));
    expect((await raw("GET", "/api/workspace/pipelines/Keep.json")).headers.etag).toBe(answer.etag);
    // A wildcard list moves as it is.
    await raw("PUT", "/api/workspace/wildcards/colors.txt", "red\n");
    const list = await raw("POST", "/api/workspace/wildcards/colors.txt", JSON.stringify({ renameTo: "hues.txt" }));
    expect(list.status).toBe(200);
    expect(readFileSync(join(dir, "ws", "wildcards", "hues.txt"), "utf8")).toBe("red\n");
    expect(readdirSync(join(dir, "ws", "wildcards"))).toEqual(["hues.txt"]);
    expect((await rename("Keep.json", "Other.json", { "if-match": '"0000"' })).status).toBe(412);
    expect((await rename("Missing.json", "Other.json")).status).toBe(404);
    // A change of case alone is a rename too.
    expect((await rename("Keep.json", "keep.json")).status).toBe(200);
    expect(files()).toEqual(["keep.json"]);
  });

  it("refuses a name that is taken, also by case, with a clear message; nothing is replaced", async () => {
    for (const n of ["a.json", "Castle.json"]) await raw("PUT", `/api/workspace/pipelines/${n}`, pipeline(n));
    const taken = await rename("a.json", "Castle.json");
    expect(taken.status).toBe(409);
    expect(JSON.parse(taken.body).error.message).toBe(
      "pipelines/Castle.json already exists: choose another name, or delete that file first.",
    );
    const folded = await rename("a.json", "CASTLE.json");
    expect(folded.status).toBe(409);
    expect(JSON.parse(folded.body).error.message).toMatch(/differs from CASTLE\.json only in case/);
    expect(readFileSync(join(dir, "ws", "pipelines", "Castle.json"), "utf8")).toBe(pipeline("Castle.json"));
    expect(files()).toEqual(["Castle.json", "a.json"]);
    // Save as under a name that differs only in case is refused the same way.
    const twin = await raw("PUT", "/api/workspace/pipelines/castle.json", pipeline("x"), { "if-none-match": "*" });
    expect([409, 412]).toContain(twin.status);
    expect(files()).toEqual(["Castle.json", "a.json"]);
  });

  it("refuses hostile names: traversal, reserved, hidden, too long, wrong type; components by id", async () => {
    await raw("PUT", "/api/workspace/pipelines/a.json", pipeline("a"));
    writeFileSync(join(dir, "ws", "components", componentName), componentText);
    for (const to of [
      "../a2.json",
      "..\\a2.json",
      "sub/a2.json",
      "%2e%2e%2fa2.json",
      ".hidden.json",
      "NUL.json",
      "com1.json",
      "a2.txt",
      "a2 .json",
      `${"x".repeat(250)}.json`,
      "a\u0000.json",
      42,
      null,
    ]) {
      const r = await rename("a.json", to);
      expect(r.status, String(to)).toBe(400);
      expect(JSON.parse(r.body).error.message, String(to)).toMatch(/name|JSON/);
    }
    expect((await raw("POST", "/api/workspace/pipelines/a.json", "not json")).status).toBe(400);
    expect((await raw("POST", "/api/workspace/pipelines/a.json", "x".repeat(5000))).status).toBe(413);
    const comp = await raw(
      "POST",
      `/api/workspace/components/${componentName}`,
      JSON.stringify({ renameTo: "b.json" }),
    );
    expect(comp.status).toBe(422);
    expect(JSON.parse(comp.body).error.message).toMatch(/named by its id and version/);
    expect(
      (
        await raw("POST", "/api/workspace/pipelines/a.json", JSON.stringify({ renameTo: "b.json" }), {
          origin: "https://evil.example",
        })
      ).status,
    ).toBe(403);
    ws.setRemote(true);
    expect((await rename("a.json", "b.json")).status).toBe(401);
    expect(files()).toEqual(["a.json"]);
    expect(readdirSync(dir).sort()).toEqual(["ws"]);
    expect(logs.filter((l) => l.startsWith("workspace: refused POST")).length).toBeGreaterThanOrEqual(13);
  });

  it("tells live-update streams the old name went to the new one", async () => {
    await raw("PUT", "/api/workspace/pipelines/a.json", pipeline("a"));
    const s = await openEvents();
    await expect.poll(() => s.text()).toContain(": watching");
    expect((await rename("a.json", "b.json")).status).toBe(200);
    await expect.poll(() => s.text()).toContain('"renamedTo":"b.json"');
    await expect.poll(() => s.text()).toMatch(/"name":"b\.json","etag":"/);
    s.close();
  });
});
