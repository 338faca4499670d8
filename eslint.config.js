// ESLint with typescript-eslint's type-aware rules; formatting is Prettier's job (config last).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'proto/gen/',
    'server/src/store/generated/',
    '.keyward/',
    'coverage/',
    'dashboard/.next/',
    'dashboard/next-env.d.ts',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    // A disable comment that no longer suppresses anything must go.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parserOptions: {
        projectService: {
          // Config files and the plain-Node setup script sit outside tsconfig.json.
          allowDefaultProject: ['eslint.config.js', '.dependency-cruiser.cjs', 'prisma.config.ts', 'scripts/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      // A `default` branch is a deliberate catch-all here; the rule catches switches without one.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Passing on a caught `unknown` is fine, as `only-throw-error` allows for `throw`.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `const { secret: _secret, ...rest } = x` is how a member is left out.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Keyward matches control characters on purpose: to refuse them in input and escape them in output.
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript has no types to check: type-aware rules would only report `any`.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
