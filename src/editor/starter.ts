/**
 * The pipeline a first visit opens: the first example (src/examples/index.ts lists it first).
 * Imported on its own so the other examples (the template gallery's) stay out of the first load.
 */
import starter from "../examples/medieval-queen.json";

export const STARTER_ID = "medieval-queen";
export const starterDocument: unknown = starter;
