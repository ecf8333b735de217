// Lint rules run by `npm test` (`npm run lint`): the typescript-eslint recommended set (syntax only,
// no type information, so it runs in seconds) with the project's few deliberate exceptions below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node's globals for the plain JavaScript launchers and scripts (TypeScript files get theirs from
// the compiler, which checks names better than no-undef).
const node = Object.fromEntries(
  [
    'process',
    'console',
    'URL',
    'Buffer',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'globalThis',
    'performance',
    'structuredClone',
    'TextEncoder',
    'TextDecoder',
    'AbortController',
    'fetch',
  ].map((n) => [n, 'readonly']),
);
const commonjs = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      'test-results/',
      'renderer/dist/',
      'resources/',
      '**/*.d.ts',
      '**/*.d.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a value deliberately left unused (a destructured field dropped, a callback's
      // fixed parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Validators of text that must not carry control characters (audit notes, CLI output) match
      // them on purpose.
      'no-control-regex': 'off',
    },
  },
  { files: ['**/*.ts', '**/*.tsx'], rules: { 'no-undef': 'off' } },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: node } },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...node, ...commonjs } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Tests read the CLI's JSON and poke at private fields of the objects under test.
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
