import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

/** Tests run against the workspaces' sources, so no build is needed first. */
// Subpaths before their package: a prefix alias would otherwise take kit/child for a path inside index.ts.
export const alias = {
  '@inference-stack/kit/child': source('./services/kit/src/child.ts'),
  '@inference-stack/kit/contract': source('./services/kit/src/contract.ts'),
  '@inference-stack/kit': source('./services/kit/src/index.ts'),
  '@inference-stack/prime/contract': source('./services/prime/src/contract.ts'),
  '@inference-stack/prime/app': source('./services/prime/src/app.ts'),
  '@inference-stack/classifier/contract': source('./services/classifier/src/contract.ts'),
  '@inference-stack/classifier/app': source('./services/classifier/src/app.ts'),
  '@inference-stack/classifier/nvidia-smi': source('./services/classifier/src/provider-check/nvidia-smi.ts'),
  '@inference-stack/models': source('./models/src/index.ts'),
  '@inference-stack/test-assets': source('./test-assets/src/index.ts'),
  '@inference-stack/loadtest/stack': source('./loadtest/src/stack.ts'),
  '@inference-stack/loadtest': source('./loadtest/src/index.ts')
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['services/*/test/**/*.test.ts', 'models/test/**/*.test.ts', 'test-assets/test/**/*.test.ts', 'deploy/test/**/*.test.ts', 'loadtest/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.containers.test.ts', '**/*.faults.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default']
  }
})
