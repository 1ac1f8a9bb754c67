import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'build/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    languageOptions: { globals: globals.node, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      'no-console': 'error'
    }
  },
  {
    // The stand-in, scripts and tests are tools that talk to a terminal.
    files: ['standin/**', 'script/**', '__tests__/**'],
    rules: { 'no-console': 'off' }
  }
)
