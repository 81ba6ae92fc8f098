import { describe, expect, it } from "vitest";
import {
  DEFAULT_PROXY_URL,
  PROXY_CONSENT_KEY,
  PROXY_STORAGE_KEY,
  foreignOrigin,
  infoUrlFor,
  isOwnServer,
  needsConsent,
  proxyLabel,
  rememberConsent,
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

  it("a proxy is our own server's when its /api/info is this page's", () => {
    const page = "http://localhost:5173/editor";
    expect(isOwnServer("/api/fal/proxy", page)).toBe(true);
    expect(isOwnServer("http://localhost:5173/other/proxy", page)).toBe(true);
    expect(isOwnServer("https://p.example/fal", page)).toBe(false);
    expect(isOwnServer("http://localhost:8787/api/fal/proxy", page)).toBe(false);
  });
});

describe("EXE-05 a link's proxy on another origin", () => {
  const page = "http://127.0.0.1:8787/?proxy=x";

  it("tells this page's origin from another one (port, scheme and host all count)", () => {
    expect(foreignOrigin("/api/fal/proxy", page)).toBeNull();
    expect(foreignOrigin("http://127.0.0.1:8787/other", page)).toBeNull();
    expect(foreignOrigin("http://127.0.0.1:9999/api/fal/proxy", page)).toBe("http://127.0.0.1:9999");
    expect(foreignOrigin("https://127.0.0.1:8787/api/fal/proxy", page)).toBe("https://127.0.0.1:8787");
    expect(foreignOrigin("http://localhost:8787/api/fal/proxy", page)).toBe("http://localhost:8787");
    // An internationalised lookalike is shown as what the browser will really contact.
    expect(proxyLabel("https://fаl.run/proxy", page)).toBe("xn--fl-7kc.run");
    expect(proxyLabel("/api/fal/proxy", page)).toBe("/api/fal/proxy");
  });

  it("only a ?proxy= on another origin needs consent, and only until this tab agreed to that exact URL", () => {
    const session = storage();
    const evil = { url: "http://evil.test/api/fal/proxy", source: "query" as const };
    expect(needsConsent(evil, page, session)).toBe(true);
    expect(needsConsent({ url: "/other/proxy", source: "query" }, page, session)).toBe(false);
    // Typed into Settings by the user: their own choice.
    expect(needsConsent({ ...evil, source: "settings" }, page, session)).toBe(false);
    rememberConsent(evil.url, session);
    expect(session.m.get(PROXY_CONSENT_KEY)).toBe(evil.url);
    expect(needsConsent(evil, page, session)).toBe(false);
    expect(needsConsent({ ...evil, url: "http://evil.test/other" }, page, session)).toBe(true);
    // No storage to remember the answer in: ask again rather than assume.
    const broken = {
      ...session,
      getItem: () => {
        throw new Error("denied");
      },
    };
    expect(needsConsent(evil, page, broken)).toBe(true);
  });
});
