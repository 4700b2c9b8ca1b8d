// ESLint flat config (typescript-eslint). Errors are kept to classes of real
// bugs, so that nobody's fresh code fails CI over style; formatting is not
// linted. `npm run lint` fails on errors only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { linterOptions: { reportUnusedDisableDirectives: 'warn' } },
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'docs/api/**', 'bench/out/**', '.snippets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', clearImmediate: 'readonly', queueMicrotask: 'readonly',
        structuredClone: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        SharedArrayBuffer: 'readonly', Atomics: 'readonly', performance: 'readonly', globalThis: 'readonly', fetch: 'readonly',
        __dirname: 'readonly', __filename: 'readonly', require: 'readonly', module: 'writable', Intl: 'readonly', WeakRef: 'readonly',
        FinalizationRegistry: 'readonly', MessageChannel: 'readonly', BroadcastChannel: 'readonly', Blob: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly',
      },
    },
    rules: {
      // Style and taste: reported, never fatal.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/ban-ts-comment': ['warn', { 'ts-expect-error': 'allow-with-description', minimumDescriptionLength: 3 }],
      '@typescript-eslint/no-unused-expressions': 'warn',
      'no-empty': ['warn', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
      'no-useless-escape': 'warn',
      'prefer-const': 'warn',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-cond-assign': ['error', 'except-parens'],
      'no-sparse-arrays': 'warn',
      'no-regex-spaces': 'warn',
      'preserve-caught-error': 'warn',
      'no-async-promise-executor': 'warn',
      'no-useless-assignment': 'warn',
      // Real bugs stay errors (from the recommended sets): no-undef-like checks by tsc, no-dupe-keys,
      // no-unreachable, no-fallthrough, no-self-assign, no-unsafe-finally, valid-typeof, no-import-assign…
      'no-fallthrough': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off', 'no-redeclare': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
