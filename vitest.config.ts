import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // Tests run against the kit's sources, so no build is needed first.
    alias: {
      '@inference-stack/kit/child': fileURLToPath(new URL('./services/kit/src/child.ts', import.meta.url)),
      '@inference-stack/kit': fileURLToPath(new URL('./services/kit/src/index.ts', import.meta.url)),
      '@inference-stack/models': fileURLToPath(new URL('./models/src/index.ts', import.meta.url))
    }
  },
  test: {
    include: ['services/*/test/**/*.test.ts', 'models/test/**/*.test.ts', 'deploy/test/**/*.test.ts', 'loadtest/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.containers.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default']
  }
})
