import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type StartedServer } from "../harness/server.ts";
import { httpRequest, rawExchange } from "./helpers.ts";

let root: string;
let srv: StartedServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lora-graph-static-"));
  const dist = join(root, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>editor</title>");
  writeFileSync(join(dist, "assets", "app-123.js"), "console.log(1)");
  writeFileSync(join(dist, "assets", "app-123.css"), "body{}");
  writeFileSync(join(dist, "assets", "logo.svg"), "<svg/>");
  writeFileSync(join(root, "secret.txt"), "TOP-SECRET");
  srv = await startServer({ distDir: dist });
});
afterAll(async () => {
  await srv.close();
  rmSync(root, { recursive: true, force: true });
});

describe("static editor serving", () => {
  it.each([
    ["/", "text/html; charset=utf-8", "editor"],
    ["/index.html", "text/html; charset=utf-8", "editor"],
    ["/assets/app-123.js", "text/javascript; charset=utf-8", "console.log"],
    ["/assets/app-123.css", "text/css; charset=utf-8", "body"],
    ["/assets/logo.svg", "image/svg+xml", "<svg"],
  ])("serves %s as %s", async (path, type, text) => {
    const res = await httpRequest(`${srv.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.body).toContain(text);
  });

  it("caches hashed assets forever and index.html never", async () => {
    expect((await httpRequest(`${srv.url}/assets/app-123.js`)).headers["cache-control"]).toContain("immutable");
    expect((await httpRequest(`${srv.url}/`)).headers["cache-control"]).toBe("no-cache");
  });

  it("falls back to index.html for unknown paths that accept HTML, 404 JSON otherwise", async () => {
    const page = await httpRequest(`${srv.url}/pipelines/42`, {
      headers: { accept: "text/html,application/xhtml+xml" },
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain("editor");
    const asset = await httpRequest(`${srv.url}/assets/missing.js`, { headers: { accept: "*/*" } });
    expect(asset.status).toBe(404);
    expect(JSON.parse(asset.body).error.code).toBe("not_found");
  });

  it.each([
    "/../secret.txt",
    "/assets/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%5csecret.txt",
    "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/%00index.html",
    "/%E0%A4%A",
  ])("never serves files outside dist: %s", async (path) => {
    const raw = await rawExchange(
      srv.url,
      `GET ${path} HTTP/1.1\r\nhost: ${new URL(srv.url).host}\r\naccept: */*\r\nconnection: close\r\n\r\n`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 (400|404)/);
    expect(raw).not.toContain("TOP-SECRET");
  });

  it("answers other methods with 405 and unknown API routes with 404 JSON", async () => {
    const post = await httpRequest(`${srv.url}/`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    const api = await httpRequest(`${srv.url}/api/nope`);
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body).error.code).toBe("not_found");
  });

  it("says the editor is not built when dist is missing", async () => {
    const bare = await startServer({ distDir: join(root, "nope") });
    try {
      const res = await httpRequest(`${bare.url}/`, { headers: { accept: "text/html" } });
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body).error.message).toContain("npm run build");
    } finally {
      await bare.close();
    }
  });
});
