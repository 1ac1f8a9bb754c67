import { defineConfig } from 'vitest/config'

// What `npm run mutate` (Stryker, stryker.config.json) runs against each mutant of src/: the unit
// tests and the integration tests that import src/. The end-to-end tests and the stand-in's own
// tests run dist/ or the stand-in, so they cannot kill a mutant of src/ and would only slow every
// mutant down. No
// coverage here: Stryker measures its own per-test coverage, and vitest.config.ts's coverage
// thresholds would fail its dry run.
export default defineConfig({
  test: {
    include: [
      '__tests__/unit/**/*.test.ts',
      '__tests__/integration/certcentral.test.ts',
      '__tests__/integration/main.run.test.ts',
      '__tests__/integration/main.inputs.test.ts',
      '__tests__/integration/transport.test.ts',
      '__tests__/integration/run.footprint.test.ts'
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    coverage: { enabled: false }
  }
})
