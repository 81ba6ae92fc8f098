/**
 * Fast acceptance tests paired with zod schemas.
 *
 * Compiling a 10,000-node graph runs ~20,000 param checks and then checks the whole request again;
 * zod's generic machinery (a payload object, an issue list and often a copied output per value)
 * made that about half of the compile time. A fast check is a plain predicate registered by the
 * code that builds the schema, from the same constraints it gave zod, with one contract:
 * `fast(v) === true` implies `schema.safeParse(v)` succeeds with `data` equal to `v` (no schema
 * here transforms). `false` means "not sure": the caller runs zod, which also words the errors.
 * So a fast check can only ever be too strict, and a schema without one is simply checked by zod.
 *
 * Nothing here looks inside a zod schema: wrappers get their fast check from `optional()` and
 * `nullable()` below, which know what they wrap. test/compiler/fastCheck.property.test.ts holds
 * every registered check to the contract.
 */
import { z } from "./zodMini";

export type FastCheck = (value: unknown) => boolean;

const registered = new WeakMap<object, FastCheck>();

/** Pairs `schema` with `check` (see the contract above) and returns `schema`. */
export function withFastCheck<S extends z.core.$ZodType>(schema: S, check: FastCheck): S {
  registered.set(schema, check);
  return schema;
}

/** The fast check registered for this very schema object, if any (`schema.check(…)` makes a new one). */
export function fastCheckOf(schema: z.core.SomeType): FastCheck | undefined {
  return registered.get(schema);
}

/** `z.optional(inner)` with a fast check: absent, or whatever inner's accepts (only absent when it has none). */
export function optional<T extends z.core.SomeType>(inner: T): z.ZodMiniOptional<T> {
  const fast = fastCheckOf(inner);
  return withFastCheck(z.optional(inner), fast ? (v) => v === undefined || fast(v) : (v) => v === undefined);
}

/** `z.nullable(inner)` with a fast check: null, or whatever inner's accepts (only null when it has none). */
export function nullable<T extends z.core.SomeType>(inner: T): z.ZodMiniNullable<T> {
  const fast = fastCheckOf(inner);
  return withFastCheck(z.nullable(inner), fast ? (v) => v === null || fast(v) : (v) => v === null);
}
