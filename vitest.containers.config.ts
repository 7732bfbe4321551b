import { defineConfig } from 'vitest/config'
import { alias } from './vitest.config.js'

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['**/test/**/*.containers.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000
  }
})
