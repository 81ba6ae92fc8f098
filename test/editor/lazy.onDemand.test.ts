// onDemand backs every part loaded after the first paint (compiler, run core, prompt highlight,
// dialogs): one fetch shared by all callers, a failed fetch retried by the next call, and the
// module available synchronously (and announced once) only after it has arrived.
import { describe, expect, it } from "vitest";
import { onDemand } from "../../src/editor/lazy";

describe("onDemand", () => {
  it("fetches once for every caller, and current() has the module only after it arrived", async () => {
    let fetches = 0;
    const seenOnLoad: (string | null)[] = [];
    const part = onDemand(
      async () => {
        fetches++;
        return { name: "mod" };
      },
      () => seenOnLoad.push(part.current()?.name ?? null),
    );
    expect(part.current()).toBeNull();
    const [a, b] = await Promise.all([part.load(), part.load()]);
    expect(a).toBe(b);
    expect(fetches).toBe(1);
    expect(part.current()).toBe(a);
    await part.load();
    expect(fetches).toBe(1);
    // onLoad ran once, and current() already answered inside it.
    expect(seenOnLoad).toEqual(["mod"]);
  });

  it("a failed fetch is not remembered: the next load() tries again", async () => {
    let attempt = 0;
    const part = onDemand(async () => {
      if (++attempt === 1) throw new Error("offline");
      return 42;
    });
    await expect(part.load()).rejects.toThrow("offline");
    expect(part.current()).toBeNull();
    await expect(part.load()).resolves.toBe(42);
    expect(attempt).toBe(2);
    expect(part.current()).toBe(42);
  });
});
