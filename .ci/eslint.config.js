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
      // Prettier keeps the code at 120 columns but never breaks a comment, a string or a regex:
      // comments are held to the width here; strings, templates, regexes and URLs may run longer.
      "max-len": [
        "error",
        {
          code: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
        },
      ],
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
      // Every way vitest takes `.only`: `it.only(…)`, `it.only.each(…)`, `test.concurrent.only(…)`,
      // `describe.skipIf(x).only(…)`.
      "no-restricted-syntax": [
        "error",
        ...[
          "MemberExpression[property.name='only'][object.name=/^(it|test|describe|suite)$/]",
          "MemberExpression[property.name='only'][object.object.name=/^(it|test|describe|suite)$/]",
          "MemberExpression[property.name='only'][object.callee.object.name=/^(it|test|describe|suite)$/]",
        ].map((selector) => ({ selector, message: "A focused test (.only) silently skips the rest of the suite." })),
      ],
    },
  },
);
