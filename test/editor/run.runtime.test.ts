// @vitest-environment happy-dom
// The browser runtime stands in for the run controller until its chunk has loaded
// (docs/codebase.md#the-first-load):
// a Run made before then is sent exactly once, and views subscribed early see its record.
import "fake-indexeddb/auto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const fal = vi.hoisted(() => {
  const calls = { submit: 0, follow: 0 };
  const runner = {
    async submit(_e: string, _i: unknown, o: { onEnqueue?: (id: string) => void } = {}) {
      calls.submit++;
      o.onEnqueue?.("req-1");
      return "req-1";
    },
    async follow(_e: string, requestId: string) {
      calls.follow++;
      return { requestId, data: { images: [{ url: "https://cdn.test/a.png", width: 8, height: 8 }], seed: 3 } };
    },
    cancel: async () => "NOT_FOUND",
    upload: async () => "https://cdn.test/u.png",
    run: async () => ({ requestId: "x", data: {} }),
  };
  return { calls, runner };
});
vi.mock("../../src/fal/runner", () => ({ createRunner: () => fal.runner }));

import { runtimeOf } from "../../src/editor/run/runtime";
import { PROXY_STORAGE_KEY } from "../../src/editor/run/settings";
import { createEditor } from "../../src/editor/store";
import { registry } from "../../nodes";
import { offerServerInfo, type ServerInfo } from "../../src/editor/library/workspaceInfo";
import type { RunJob } from "../../src/editor/run/types";

/** Every URL fetched, as a string. */
const fetched: string[] = [];
beforeAll(() => {
  // /api/info and the image copy: no server here.
  vi.stubGlobal("fetch", async (url: RequestInfo | URL) => {
    fetched.push(String(url));
    return new Response("", { status: 404 });
  });
});
afterAll(() => vi.unstubAllGlobals());

const job: RunJob = {
  endpoint: "fal-ai/lora",
  input: { prompt: "a fox", seed: 1 },
  sourceMap: {},
  outputNodeId: "sampler-1",
  graph: "{}",
  title: "t",
};

it("answers an empty, not-ready state before loading, then runs a job started meanwhile exactly once", async () => {
  const runtime = runtimeOf(createEditor({ registry }));
  const c = runtime.controller;
  expect(runtime.controllerLoaded()).toBe(false);
  expect(c.getState()).toMatchObject({ ready: false, runs: [], connection: "online" });
  expect(c.findCached(job.endpoint, job.input)).toBeUndefined();
  c.setConnection("reconnecting");
  const seen: number[] = [];
  c.subscribe(() => seen.push(c.getState().runs.length));

  const record = await c.start(job);
  expect(record.status).toBe("completed");
  expect(fal.calls.submit).toBe(1);
  expect(runtime.controllerLoaded()).toBe(true);
  expect(c.getState().runs.map((r) => r.id)).toEqual([record.id]);
  // The early subscriber heard the real controller; the connection state set before loading carried over.
  expect(seen).toContain(1);
  expect(c.getState().connection).toBe("reconnecting");

  await c.init();
  expect(c.getState().ready).toBe(true);
  expect(fal.calls.submit).toBe(1);
  await c.flush();
});

// The stand-in banner from start-up's answer (docs/codebase.md#the-first-load): in the first
// frame when the answer came before the draft, and /api/info asked once, not twice.
describe("the backend the banner shows", () => {
  const infoAsked = () => fetched.filter((u) => u.endsWith("/api/info")).length;
  const standin: ServerInfo = { workspace: false, backend: "standin" };

  it("is start-up's answer at once when it has arrived, with no second question", async () => {
    const editor = createEditor({ registry });
    offerServerInfo(editor, Promise.resolve(standin));
    // The answer came in a task of its own, before the first render made the runtime.
    await new Promise((r) => setTimeout(r));
    const before = infoAsked();
    expect(runtimeOf(editor).info.get().backend).toBe("standin");
    await new Promise((r) => setTimeout(r));
    expect(infoAsked()).toBe(before);
  });

  it("follows start-up's answer when it arrives later, with no second question", async () => {
    const editor = createEditor({ registry });
    let answer: (i: ServerInfo | null) => void = () => {};
    offerServerInfo(editor, new Promise((r) => (answer = r)));
    const before = infoAsked();
    const rt = runtimeOf(editor);
    expect(rt.info.get().backend).toBe("unknown");
    answer(standin);
    await vi.waitFor(() => expect(rt.info.get().backend).toBe("standin"));
    expect(infoAsked()).toBe(before);
  });

  it("asks the proxy's own server when the proxy is on another one", async () => {
    localStorage.setItem(PROXY_STORAGE_KEY, "https://proxy.example/fal");
    try {
      const editor = createEditor({ registry });
      offerServerInfo(editor, Promise.resolve(standin));
      const rt = runtimeOf(editor);
      await vi.waitFor(() => expect(fetched).toContain("https://proxy.example/api/info"));
      expect(rt.info.get().backend).toBe("unknown");
    } finally {
      localStorage.removeItem(PROXY_STORAGE_KEY);
    }
  });
});
