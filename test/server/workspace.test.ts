/**
 * The workspace API (docs/components.md#the-workspace-api): list, read, atomic writes with ETag
 * checks, live updates from disk; and WSP-01…04 (docs/reliability.md): hostile requests are
 * refused and logged.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/server/app";
import { createWorkspace, MAX_LIST_BYTES, TOKEN_HEADER, type Workspace } from "../../src/server/workspace/index";
import { parseFilePath } from "../../src/server/workspace/store";
import { emptyDocument, serializeWorkflow } from "../../src/graph";

let dir: string;
let app: App;
let ws: Workspace;
let base: string;
let logs: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "lora-graph-ws-"));
  logs = [];
  const logger = { info: () => {}, warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m) };
  ws = await createWorkspace({ dir: join(dir, "ws"), token: "s3cret-token", logger, maxBytes: 64 * 1024 });
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
});
