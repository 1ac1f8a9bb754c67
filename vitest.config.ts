import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // index.ts only starts run(); the end-to-end tests run it inside dist/index.js
      exclude: ['src/index.ts'],
      reporter: ['text', 'json-summary'],
      thresholds: { lines: 90, branches: 90, functions: 90, statements: 90 }
    }
  }
})
