/**
 * Watches the runner's fetches to show "reconnecting…": the runner retries browser network
 * errors ("Failed to fetch") on its own, silently, so the UI learns about them here.
 */
export type ConnectionState = "online" | "reconnecting";

export function observedFetch(base: typeof fetch, onState: (s: ConnectionState) => void): typeof fetch {
  return async (input, init) => {
    try {
      const res = await base(input, init);
      onState("online");
      return res;
    } catch (e) {
      // Our own aborts (stop following, page leaving) are not connection trouble.
      const name = (e as Error)?.name;
      if (name !== "AbortError" && name !== "TimeoutError" && !init?.signal?.aborted) onState("reconnecting");
      throw e;
    }
  };
}
