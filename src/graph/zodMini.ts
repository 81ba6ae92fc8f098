/**
 * The zod the core uses: `zod/mini`, the functional API over the same `zod/v4/core` as classic
 * `zod`. The core is on the editor's first load, and classic zod's method-chaining schemas cost
 * about 20 kB gzip more there; the compiler (a lazy chunk) keeps classic zod, and its schemas and
 * these share one core, one error format and one global config.
 *
 * Classic zod installs its English messages when it builds its first schema; mini installs none,
 * so until the compiler chunk had loaded, zod's own wording ("expected string, received number")
 * would read "Invalid input". Importing `z` from here sets English first, unless a locale is set.
 */
import * as z from "zod/mini";

if (!z.config().localeError) z.config(z.locales.en());

export { z };
