import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const providerSdks = ['twilio', 'twilio/*', '@sendgrid/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'benchmarks/results/', 'client/webhooks/assets/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // One module owns each provider: its SDK is imported nowhere else.
      'no-restricted-imports': ['error', { patterns: [{ group: providerSdks, message: 'Provider SDKs are used only inside providers/.' }] }],
    },
  },
  {
    files: ['providers/**/*.ts', 'test/providers/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Clients of Temporal (scripts, webhooks) share SQL through db/queries and texts through domain/,
    // never through the worker's activities.
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: providerSdks, message: 'Provider SDKs are used only inside providers/.' },
            { group: ['**/activities', '**/activities/*', '**/activities/**'], message: 'client/ imports nothing from activities/: move what both need to db/queries/ or domain/.' },
          ],
        },
      ],
      // One way into a workflow: its deadline, not-found and unavailable rules hold for every caller.
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(signal|executeUpdate|startUpdate|signalWithStart)$/]", message: 'Signal a request only through client/requests/signalRequest.ts.' },
      ],
    },
  },
  {
    files: ['client/requests/signalRequest.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Workflow code must stay deterministic: no I/O, no provider, and activities by type only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'http', 'https', 'net', 'crypto', 'pg', 'pino', ...providerSdks], message: 'Workflow code does no I/O; use an activity.' },
            { group: ['../activities', '../activities/*', '../../activities', '../../activities/*'], allowTypeImports: true, message: 'Workflows import only activity types.' },
          ],
        },
      ],
    },
  },
);
