import { fastCheckOf, type Endpoint } from "../graph";
import type { RequestValidator } from "./compile";
import { endpointInputKeys, inputSchemaFor, schemaIssues, unconfirmedRuleWarnings } from "./falSchema";

/**
 * Checks compiled requests against fal's schema. Range warnings are left to the node params
 * (each carries its own unconfirmed range), so only the schema's other warnings are added here.
 */
export const falValidator: RequestValidator = {
  validate(endpoint: Endpoint, input: Record<string, unknown>) {
    const problems: ReturnType<RequestValidator["validate"]> = [];
    const schema = inputSchemaFor(endpoint);
    // The fast check accepts only what the schema accepts (falSchema.ts); when it is not sure,
    // zod decides and words the problems.
    const parsed = fastCheckOf(schema)?.(input) ? { success: true as const } : schema.safeParse(input);
    if (!parsed.success) {
      for (const issue of schemaIssues(parsed.error)) {
        problems.push({ path: issue.path, message: describe(issue.path, issue.message), severity: "error" });
      }
    }
    for (const w of unconfirmedRuleWarnings(input))
      problems.push({ path: w.path, message: w.message, severity: "warning" });
    return problems;
  },
  keyOrder: (endpoint) => endpointInputKeys(endpoint),
};

function describe(path: (string | number)[], message: string): string {
  return path.length ? `${path.join(".")}: ${message}` : message;
}
