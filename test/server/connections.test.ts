/**
 * PRX-07: sockets that never read are closed, and connections are capped per client and in
 * total (src/server/connections.ts). Each test waits on the server's own connection count.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, type App, type AppOptions } from "../../src/server/app.ts";
import { httpRequest, until } from "./helpers.ts";

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const apps: App[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function boot(options: AppOptions): Promise<{ app: App; url: string; port: number }> {
  const app = createApp({ standinOptions: { latencyMs: 10, queueDelayMs: 0 }, logger: quiet, ...options });
  apps.push(app);
  const url = await app.listen(0, "127.0.0.1");
  return { app, url, port: Number(new URL(url).port) };
}

const openConnections = (app: App) =>
  new Promise<number>((resolve, reject) => app.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));

/** A raw client that connects; with `read: false` it never reads. */
function rawClient(port: number, localAddress = "127.0.0.1", read = true): Promise<Socket & { closedByPeer: boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1", localAddress }) as Socket & { closedByPeer: boolean };
    sockets.push(s);
    s.closedByPeer = false;
    s.on("close", () => (s.closedByPeer = true));
    s.on("error", () => {});
    s.once("connect", () => {
      if (read) s.resume();
      else s.pause();
      resolve(s);
    });
    s.once("error", reject);
  });
}

describe("PRX-07 connections that never read, and connection caps", () => {
  it("PRX-07 a client that never reads its 408 is destroyed after the grace period", async () => {
    const { app, port } = await boot({ headersTimeoutMs: 200, connections: { closeGraceMs: 200 } });
    const clients = await Promise.all([1, 2, 3].map(() => rawClient(port, "127.0.0.1", false)));
    // Headers that never finish; then the client goes silent and reads nothing.
    for (const c of clients) c.write(`GET /api/info HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-slow: 1`);
    await until("the server has no connection left", async () => (await openConnections(app)) === 0);
  });

  it("PRX-07 a client that stops reading a large answer is cut off once the socket idles", async () => {
    const dist = await mkdtemp(join(tmpdir(), "lora-graph-prx07-"));
    await writeFile(join(dist, "big.bin"), Buffer.alloc(32 * 1024 * 1024, 7));
    const { app, port } = await boot({ distDir: dist, connections: { idleMs: 300 } });
    const c = await rawClient(port, "127.0.0.1", false);
    c.write(`GET /big.bin HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
    await until("the server has no connection left", async () => (await openConnections(app)) === 0);
  });

  it("PRX-07 over the per-client cap a new connection is closed; a freed slot is usable again", async () => {
    const { app, port, url } = await boot({ connections: { maxPerClient: 3 } });
    // All of 127.0.0.0/8 is one client, whatever source address it picks.
    const held = await Promise.all(["127.0.0.1", "127.0.0.2", "127.0.0.3"].map((a) => rawClient(port, a)));
    await until("three connections are open", async () => (await openConnections(app)) === 3);
    const extra = await rawClient(port, "127.0.0.4");
    await until("the fourth connection is closed by the server", () => extra.closedByPeer);
    expect(held.some((s) => s.closedByPeer)).toBe(false);
    held[0].destroy();
    await until("a slot is free", async () => (await openConnections(app)) === 2);
    expect((await httpRequest(`${url}/api/info`)).status).toBe(200);
  });

  it("PRX-07 over the total cap a new connection is closed, whoever it comes from", async () => {
    const { app, port } = await boot({ connections: { maxConnections: 2, maxPerClient: 100 } });
    await Promise.all([rawClient(port), rawClient(port)]);
    await until("two connections are open", async () => (await openConnections(app)) === 2);
    const third = await rawClient(port, "127.0.0.9");
    await until("the third connection is closed by the server", () => third.closedByPeer);
  });

  it("PRX-07 a trusted proxy's connections carry many clients: only the total cap applies", async () => {
    const { app, port } = await boot({ trustProxy: ["loopback"], connections: { maxPerClient: 2 } });
    const held = await Promise.all([1, 2, 3, 4].map(() => rawClient(port)));
    await until("four connections are open", async () => (await openConnections(app)) === 4);
    expect(held.some((s) => s.closedByPeer)).toBe(false);
  });
});
