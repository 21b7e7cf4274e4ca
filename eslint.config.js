// ESLint 9 flat config: typescript-eslint with type information (the tsconfig's project service).
// What `npm run check` lints is the list in scripts/check.mjs; this file says how.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/', 'docs/', 'console/dist/', '.screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Promises: every one awaited, returned or explicitly voided.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Unused code.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unused-expressions': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      'no-unreachable': 'error',
      // Types: say what is true instead of asserting it.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Tests read JSON answers of the API and raw DynamoDB items, and the bench and the simulator read the
    // raw input and output of every SDK operation they meter or record: `any` there is the shape of what
    // came back, checked field by field where it is used.
    files: ['test/**/*.ts', 'scripts/bench.ts', 'infra/local/simulator.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Japanese text in the console uses the ideographic space (U+3000) on purpose.
    files: ['console/**/*.tsx'],
    rules: { 'no-irregular-whitespace': ['error', { skipJSXText: true, skipStrings: true, skipTemplates: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
