// Lint for the package, the emulator, the tests, the examples and the scripts.
// Formatting is Prettier's job (npm run format); these rules catch mistakes, not style.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "sdk/**", "**/node_modules/**", "test/support/summary-reporter.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-control-regex": "off", // names are checked for control characters on purpose
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // Tests read arbitrary JSON bodies off the wire; product code keeps no-explicit-any.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
