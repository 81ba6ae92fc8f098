/**
 * Imported before @fast-check/poisoning, which records the globals it will compare against when
 * it is first imported. Node defines some globals (AbortController, TextEncoder…) as lazy getters
 * that replace themselves on first use; touching them all first keeps that from reading as poisoning.
 */
for (const key of Object.getOwnPropertyNames(globalThis)) {
  try {
    void (globalThis as Record<string, unknown>)[key];
  } catch {
    // Some globals throw on access outside their context; they are not lazy, so nothing to do.
  }
}
