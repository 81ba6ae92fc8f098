// One lint config for the whole repo. Only rules that catch real bugs are errors; style is
// Prettier's job (npm run lint runs both).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "coverage/**", "test-results/**", "node_modules/**", "workspace/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "no-control-regex": "off",
    },
  },
  {
    // Functions fit on a screen, comments and blank lines included (they take the screen's lines
    // too). Test files (long scenarios read top to bottom) are exempt; the programs beside them
    // (benchmarks, soaks, harnesses, helpers) are code like any other.
    ignores: ["**/*.test.ts", "**/*.test.tsx", "**/*.e2e.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 120, IIFEs: true }],
    },
  },
  {
    files: ["test/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: "A focused test (.only) silently skips the rest of the suite.",
        },
      ],
    },
  },
);
