/**
 * Memos of pure functions keyed by immutable objects (docs/codebase.md#editor-state): a value is
 * what `fn` computes from its keys alone, kept while the key object lives. Two editors asking with
 * the same key get what each would have computed, so a memo made with these is not state.
 *
 * Written here rather than taken from a package: @emotion/weak-memoize is the one-key half of this
 * in as many lines, the second key (an id, a scope path) is what half the editor's memos need, and
 * src/shared takes no package at all (docs/codebase.md#dependency-direction). Neither call
 * allocates once its value is kept.
 */

/** `fn`, computed once per `key` object. */
export function weakMemo<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const kept = new WeakMap<K, V>();
  return (key) => {
    let value = kept.get(key);
    if (value === undefined && !kept.has(key)) kept.set(key, (value = fn(key)));
    return value as V;
  };
}

/**
 * `fn`, computed once per `key` object and `sub` (an id, a path: a Map key), kept while `key`
 * lives: the values of one key sit in a Map that goes with it.
 */
export function weakMemo2<K extends object, S, V>(fn: (key: K, sub: S) => V): (key: K, sub: S) => V {
  const kept = new WeakMap<K, Map<S, V>>();
  return (key, sub) => {
    let of = kept.get(key);
    if (!of) kept.set(key, (of = new Map()));
    let value = of.get(sub);
    if (value === undefined && !of.has(sub)) of.set(sub, (value = fn(key, sub)));
    return value as V;
  };
}
