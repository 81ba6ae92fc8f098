import { classifyTarget, type AllowedTarget } from "../allowlist.ts";

/**
 * The allowlist decision for a (method, target) pair never changes, and a running job is polled
 * with the same target twice a second: remember the last few hundred allowed decisions instead
 * of re-parsing the URL each time. Refusals are not kept (hostile input must not fill the memo).
 */
export function memoClassify(size: number): typeof classifyTarget {
  // One map per method, keyed by the raw target itself (no key string to build per request).
  const memos = new Map<string, Map<string, AllowedTarget>>();
  return (raw, method) => {
    if (raw === undefined) return classifyTarget(raw, method);
    let memo = memos.get(method);
    const hit = memo?.get(raw);
    if (hit) return hit;
    const decision = classifyTarget(raw, method);
    if (decision.ok) {
      // Shared across requests, so nobody may change it.
      Object.freeze(decision);
      if (!memo) memos.set(method, (memo = new Map()));
      if (memo.size >= size) memo.delete(memo.keys().next().value!);
      memo.set(raw, decision);
    }
    return decision;
  };
}
