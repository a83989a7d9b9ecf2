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
