// The linter: typescript-eslint's type-aware rules on every package's sources and tests, ESLint's recommended rules
// on the plain JavaScript scripts. Layout is Prettier's business, so no stylistic rule is enabled here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', '**/.tap/', 'coverage/', '.cache/', 'packages/server/public/vendor/'] },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['packages/server/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/test/**/*.ts', 'packages/*/examples/**/*.ts', 'deploy/test/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // tap queues `t.test(...)` subtests itself and awaits them before the parent ends, so a subtest's promise is not
    // floating; its callbacks are async by convention whether or not they await.
    files: ['packages/*/test/**/*.ts', 'deploy/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
