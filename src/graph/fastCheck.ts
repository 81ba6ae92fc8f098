/**
 * Fast acceptance tests paired with zod schemas.
 *
 * Compiling a 10,000-node graph runs ~20,000 param checks and then checks the whole request again;
 * zod's generic machinery (a payload object, an issue list and often a copied output per value)
 * made that a fifth of the compile time. A fast check is a plain predicate registered next to the
 * schema it shadows, with one contract: `fast(v) === true` implies `schema.safeParse(v)` succeeds
 * with `data` equal to `v` (no schema here transforms). `false` means "not sure": the caller runs
 * zod, which also produces the error messages. So a fast check can only ever be too strict, and a
 * schema without one (or changed later, e.g. by `.check()`, which returns a new schema) is simply
 * checked by zod. test/compiler/fastCheck.property.test.ts holds every registered check to it.
 */
import type { z } from "./zodMini";

export type FastCheck = (value: unknown) => boolean;

const registered = new WeakMap<object, FastCheck>();

/** Pairs `schema` with `check` (see the contract above) and returns `schema`. */
export function withFastCheck<S extends z.core.$ZodType>(schema: S, check: FastCheck): S {
  registered.set(schema, check);
  return schema;
}

const resolved = new WeakMap<object, FastCheck | null>();

/**
 * The fast check of a schema: its registered one, or for `.optional()` / `.nullable()` wrappers
 * one built from the inner schema's. Undefined when there is none.
 */
export function fastCheckOf(schema: z.core.$ZodType): FastCheck | undefined {
  const own = registered.get(schema);
  if (own) return own;
  let hit = resolved.get(schema);
  if (hit === undefined) {
    hit = null;
    const def = (schema as { _zod?: { def?: { type?: string; innerType?: z.core.$ZodType; checks?: unknown[] } } })._zod
      ?.def;
    // A wrapper that carries checks of its own is left to zod.
    if (def?.innerType && !(def.checks && def.checks.length > 0)) {
      const inner = fastCheckOf(def.innerType);
      if (inner && def.type === "optional") hit = (v) => v === undefined || inner(v);
      else if (inner && def.type === "nullable") hit = (v) => v === null || inner(v);
    }
    resolved.set(schema, hit);
  }
  return hit ?? undefined;
}
