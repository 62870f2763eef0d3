// ESLint flat config: typed typescript-eslint rules for TypeScript, plain rules for build scripts.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node's globals for the .mjs scripts, written out because the `globals` package is not a
// declared dependency.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'Buffer',
    'URL',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      '.vscode-test/**',
      'bench/**/build/**',
      'bench/**/out/**',
      'bench/**/results/**',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Fire-and-forget must be explicit (`void promise`); node:test's test() and describe()
      // return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Only the extension host side may import the VS Code API.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'vscode is only for src/extension/ and test/suite/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'test/suite/**/*.ts'],
    rules: {
      // The extension host must never load native code: the engine process owns the addon.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['*.node'], message: 'only the engine process loads the addon.' }] },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      // The engine's stdout is its JSON-RPC channel: a stray console.log corrupts the protocol.
      'no-console': 'error',
    },
  },
);
