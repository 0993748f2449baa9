// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.cache/', 'bin/', '*.config.js', '*.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed deterministically inside the Temporal sandbox: no Node built-ins, no I/O libraries.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins,
            'pg',
            'axios',
            'purecloud-platform-client-v2',
            'pino',
            'express',
            'proper-lockfile',
          ].map((name) => ({
            name,
            message: 'workflow code must stay deterministic: no Node built-ins or I/O libraries',
          })),
          patterns: [
            {
              group: [
                '**/src/genesys/**',
                '**/src/audit/**',
                '**/src/store/**',
                '**/src/scim/**',
                '**/src/emulator/**',
              ],
              message: 'I/O modules are not allowed in workflows (type-only imports are fine)',
              allowTypeImports: true,
            },
            {
              group: ['**/activities', '**/activities/**'],
              message: 'workflows import activity types only (proxyActivities)',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Plain Node scripts (the test runner wrapper) are not part of the TypeScript project.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
  prettier,
);
