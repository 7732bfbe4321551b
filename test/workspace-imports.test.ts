import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const eslint = new ESLint({ cwd: ROOT })

/** The rule ids `npm run lint` reports for `code` as if it were the file at `path`. */
async function lint (path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${path}` })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

describe('npm run lint and the workspace boundaries', () => {
  it.each([
    ['services/frontend/test/helpers.ts', 'import primeApp from \'../../prime/src/app.js\'\n\nexport { primeApp }\n'],
    ['deploy/src/costs.ts', 'import type { ServiceUsage } from \'../../loadtest/src/result.js\'\n\nexport type Usage = ServiceUsage\n'],
    ['deploy/src/gpu-check/host.ts', 'export { parseSmiGpus } from \'../../../services/classifier/src/provider-check/nvidia-smi.js\'\n'],
    ['services/classifier/bench/run.ts', 'import { startStack } from \'../../../loadtest/src/stack.js\'\n\nexport { startStack }\n']
  ])('refuses %s importing another workspace\'s src/', async (path, code) => {
    expect(await lint(path, code)).toEqual(['no-restricted-imports'])
  })

  it.each([
    ['services/frontend/test/helpers.ts', 'import primeApp from \'@inference-stack/prime/app\'\n\nexport { primeApp }\n'],
    ['services/classifier/test/helpers.ts', 'import app from \'../src/app.js\'\n\nexport { app }\n'],
    ['services/kit/test/fixtures/tiny-service.ts', 'import { main } from \'../../src/index.js\'\n\nexport { main }\n'],
    ['deploy/src/gpu-check/host.ts', 'import { table } from \'../format.js\'\n\nexport { table }\n']
  ])('lets %s import a package export or its own workspace\'s sources', async (path, code) => {
    expect(await lint(path, code)).toEqual([])
  })
})
