import { defineConfig } from 'vitest/config'

// What `npm run mutate` (Stryker, stryker.config.json) runs against each mutant of src/: the unit
// tests that import src/. The end-to-end, fault, repository and stand-in tests run dist/ or the
// stand-in, so they cannot kill a mutant of src/ and would only slow every mutant down. No
// coverage here: Stryker measures its own per-test coverage, and vitest.config.ts's coverage
// thresholds would fail its dry run.
export default defineConfig({
  test: {
    include: [
      '__tests__/api.test.ts',
      '__tests__/certcentral.test.ts',
      '__tests__/inputs.property.test.ts',
      '__tests__/inputs.test.ts',
      '__tests__/main.run.test.ts',
      '__tests__/main.test.ts',
      '__tests__/operations.test.ts',
      '__tests__/orders-batch.test.ts',
      '__tests__/parse.test.ts',
      '__tests__/readme.test.ts',
      '__tests__/report.test.ts',
      '__tests__/runner.test.ts',
      '__tests__/sanitize.test.ts',
      '__tests__/transport.test.ts'
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    coverage: { enabled: false }
  }
})
