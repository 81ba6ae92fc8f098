// @vitest-environment happy-dom
// A prefetched part must open in the same render as the click that shows it. Through React.lazy it
// would suspend once and React holds a revealed Suspense boundary back ~300 ms, which was the whole
// of a slow first opening. Checked here as "never suspends", not as a time, so a busy machine
// cannot fail it (details.e2e checks that opening fetches nothing).
import { Suspense, useState } from "react";
import { afterEach, expect, it } from "vitest";
import { act, cleanup, fireEvent, render } from "@testing-library/react";
import { lazyPart } from "../../src/editor/lazy";

afterEach(cleanup);

function harness() {
  let resolve!: () => void;
  const arrived = new Promise<void>((r) => (resolve = r));
  const Part = lazyPart(async () => {
    await arrived;
    return { default: ({ label }: { label: string }) => <p data-part>{label}</p> };
  });
  let fallbacks = 0;
  const Fallback = () => {
    fallbacks++;
    return <i data-fallback />;
  };
  const Host = () => {
    const [open, setOpen] = useState(false);
    return (
      <>
        <button onClick={() => setOpen(true)}>open</button>
        <Suspense fallback={<Fallback />}>{open && <Part label="ready" />}</Suspense>
      </>
    );
  };
  return { Part, Host, arrive: resolve, fallbacks: () => fallbacks };
}

it("a part whose module has arrived renders on the opening click without suspending", async () => {
  const h = harness();
  h.arrive();
  await h.Part.preload();
  const view = render(<h.Host />);
  act(() => void fireEvent.click(view.getByText("open")));
  expect(view.container.querySelector("[data-part]")?.textContent).toBe("ready");
  expect(h.fallbacks()).toBe(0);
});

it("a part not yet fetched suspends, then shows once its module arrives", async () => {
  const h = harness();
  const view = render(<h.Host />);
  act(() => void fireEvent.click(view.getByText("open")));
  expect(view.container.querySelector("[data-part]")).toBeNull();
  expect(h.fallbacks()).toBeGreaterThan(0);
  await act(async () => {
    h.arrive();
    await h.Part.preload();
  });
  expect(await view.findByText("ready")).toBeTruthy();
});

it("a part whose load fails says so in its place, keeps the rest of the page, and Retry loads it", async () => {
  let fail = true;
  const Part = lazyPart(async () => {
    if (fail) throw new TypeError("Failed to fetch dynamically imported module");
    return { default: ({ label }: { label: string }) => <p data-part>{label}</p> };
  });
  const view = render(
    <main>
      <h1>editor</h1>
      <Suspense fallback={<i data-fallback />}>
        <Part label="ready" />
      </Suspense>
    </main>,
  );
  const alert = await view.findByRole("alert");
  expect(alert.textContent).toContain("could not load");
  expect(view.getByText("editor")).toBeTruthy();
  fail = false;
  act(() => void fireEvent.click(view.getByRole("button", { name: "Retry" })));
  expect(await view.findByText("ready")).toBeTruthy();
  expect(view.queryByRole("alert")).toBeNull();
});
