import { defineConfig } from 'vitest/config'
import { alias } from './vitest.config.js'

/**
 * `npm run test:faults`: the fault suite (loadtest/faults) against the real stack as child
 * processes, one file at a time (each starts its own stack and some load it hard), then one table.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['loadtest/faults/**/*.faults.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['loadtest/faults/lib/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000
  }
})
