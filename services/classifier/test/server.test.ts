import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

function run (env: Record<string, string>): Promise<{ code: number | null, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('exit', (code) => resolve({ code, stderr }))
  })
}

describe('server.ts', () => {
  it('stops with exit 1 and says what to run when the model file is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'classifier-no-models-'))
    onTestFinished(async () => { await rm(empty, { recursive: true, force: true }) })
    const { code, stderr } = await run({ MODEL: 'resnet50-v1-12', MODELS_DIR: empty, MODEL_CACHE_DIR: empty, PORT: '0', LOG_LEVEL: 'silent' })
    expect(code).toBe(1)
    expect(stderr).toContain('npm run models:fetch resnet50-v1-12')
  })

  it('refuses a bad configuration value with exit 1 naming the variable', async () => {
    const { code, stderr } = await run({ MAX_BATCH_SIZE: 'lots', PORT: '0' })
    expect(code).toBe(1)
    expect(stderr).toContain('MAX_BATCH_SIZE')
  })
})
