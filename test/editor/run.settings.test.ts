import { describe, expect, it } from "vitest";
import {
  DEFAULT_PROXY_URL,
  PROXY_STORAGE_KEY,
  infoUrlFor,
  proxyUrlProblem,
  resolveProxyUrl,
  saveProxyUrl,
} from "../../src/editor/run/settings";

function storage() {
  const m = new Map<string, string>();
  return {
    m,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

describe("proxy URL setting", () => {
  it("?proxy= wins over the saved setting, which wins over the default", () => {
    const s = storage();
    expect(resolveProxyUrl("", s)).toEqual({ url: DEFAULT_PROXY_URL, source: "default" });
    saveProxyUrl("https://proxy.example/api/fal/proxy", s);
    expect(s.m.get(PROXY_STORAGE_KEY)).toBe("https://proxy.example/api/fal/proxy");
    expect(resolveProxyUrl("", s)).toEqual({ url: "https://proxy.example/api/fal/proxy", source: "settings" });
    expect(resolveProxyUrl("?proxy=%2Fother%2Fproxy", s)).toEqual({ url: "/other/proxy", source: "query" });
    // Saving the default (or nothing) clears the setting.
    saveProxyUrl("  ", s);
    expect(s.m.has(PROXY_STORAGE_KEY)).toBe(false);
  });

  it("unusable values are refused with the reason, and ignored when found in storage or the query", () => {
    expect(proxyUrlProblem("javascript:alert(1)")).toMatch(/only http and https/);
    expect(proxyUrlProblem("https://user:pw@proxy.example/x")).toMatch(/credentials/);
    expect(proxyUrlProblem("//evil.example/x")).toBe("not a valid URL");
    expect(proxyUrlProblem("/api/fal/proxy")).toBeNull();
    const s = storage();
    s.setItem(PROXY_STORAGE_KEY, "ftp://x");
    expect(resolveProxyUrl("?proxy=javascript:1", s).source).toBe("default");
  });

  it("throwing storage does not break start-up", () => {
    const bad = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("full");
      },
      removeItem: () => {},
    };
    expect(resolveProxyUrl("", bad).url).toBe(DEFAULT_PROXY_URL);
    expect(() => saveProxyUrl("/x", bad)).not.toThrow();
  });

  it("/api/info is asked of the proxy's own server", () => {
    expect(infoUrlFor("/api/fal/proxy", "http://localhost:5173/editor")).toBe("http://localhost:5173/api/info");
    expect(infoUrlFor("https://p.example/fal", "http://localhost:5173/")).toBe("https://p.example/api/info");
  });
});
