/**
 * Every test file ends only once the dynamic imports it started have loaded. The editor's lazy
 * parts start an import while rendering (a breadcrumb, a node's settings); in a project that
 * shares one module graph per worker (vite.config.ts), a file could end with one still loading,
 * and the next file of that worker then failed with EnvironmentTeardownError on the module that
 * arrived late (docs/benchmarks.md#the-unit-suite).
 */
import { afterAll, vi } from "vitest";

afterAll(() => vi.dynamicImportSettled());
