import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { spawnChild, waitForListening } from '@inference-stack/kit/child'
import { describe, expect, it, onTestFinished } from 'vitest'
import { probeCuda } from '../src/lib/provider.js'
import { MODELS_DIR, TEST_MODEL } from './model.js'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

/** server.ts as npm start runs it: supervised, on port 0; resolves with its URL once it listens. */
async function supervised (env: Record<string, string>): Promise<{ url: string, output: () => string }> {
  const child = spawnChild('classifier', process.execPath, ['--import', 'tsx', SERVER], { env: { PORT: '0', LOG_LEVEL: 'info', ...env }, supervise: true })
  onTestFinished(async () => { await child.stop() })
  return { url: await waitForListening(child), output: child.output }
}

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
    expect(stderr.trim()).toMatch(/^model "resnet50-v1-12" not found in .* To install it, run npm run models:fetch resnet50-v1-12 .*imagenet-labels\.json$/)
  })

  it('refuses a bad configuration value with exit 1 naming the variable', async () => {
    const { code, stderr } = await run({ MAX_BATCH_SIZE: 'lots', PORT: '0' })
    expect(code).toBe(1)
    expect(stderr).toContain('MAX_BATCH_SIZE')
  })

  it('with ON_MISSING_MODEL=unready stays up without a model: /readyz and every model route say how to install it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'classifier-no-models-'))
    onTestFinished(async () => { await rm(empty, { recursive: true, force: true }) })
    const { url, output } = await supervised({ MODEL: TEST_MODEL, MODELS_DIR: empty, MODEL_CACHE_DIR: empty, ON_MISSING_MODEL: 'unready' })
    const fix = `model "${TEST_MODEL}" not found in MODELS_DIR=${empty} or ${empty}. To install it, run npm run models:fetch ${TEST_MODEL}`

    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const ready = await fetch(`${url}/readyz`)
    expect(ready.status).toBe(503)
    const readyBody = await ready.json() as { checks: { model: string }, info: unknown }
    expect(readyBody.checks.model).toContain(`no model is installed: ${fix}`)
    expect(readyBody.info).toEqual({ executionProvider: 'none' })

    for (const [method, path] of [['GET', '/info'], ['POST', '/classify']]) {
      const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'image/jpeg' }, body: method === 'POST' ? Buffer.alloc(2048) : undefined })
      expect(res.status, path).toBe(503)
      expect(res.headers.get('retry-after'), path).toBeNull()
      const body = await res.json() as { error: { code: string, message: string } }
      expect(body.error.code, path).toBe('CLASSIFIER_NO_MODEL')
      expect(body.error.message, path).toContain(fix)
    }
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(503)
    const v2 = await fetch(`${url}/v2/models/${TEST_MODEL}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(v2.status).toBe(503)
    expect((await v2.json() as { error: string }).error).toContain(fix)
    expect(output()).toContain('no model is installed: every model route answers 503 CLASSIFIER_NO_MODEL')
  })

  it('still exits 1 for an unknown MODEL name with ON_MISSING_MODEL=unready: that is a configuration error', async () => {
    const { code, stderr } = await run({ MODEL: 'resnet51', ON_MISSING_MODEL: 'unready', PORT: '0', LOG_LEVEL: 'silent' })
    expect(code).toBe(1)
    expect(stderr.trim()).toMatch(/^unknown model "resnet51"; known models: /)
  })

  it('with EXECUTION_PROVIDER=auto on a host without a GPU serves on the CPU, says why in one info line, and never loads CUDA', async () => {
    const { url, output } = await supervised({ MODEL: TEST_MODEL, MODELS_DIR, EXECUTION_PROVIDER: 'auto' })
    const info = await (await fetch(`${url}/info`)).json() as Record<string, unknown>
    if (info.executionProvider === 'cuda') return // a GPU host with the CUDA provider: nothing to say
    expect(info).toMatchObject({ executionProvider: 'cpu', requestedExecutionProvider: 'auto', executionProviderNote: expect.stringContaining('no NVIDIA GPU is visible') })
    const lines = output().split('\n').filter((l) => l.includes('EXECUTION_PROVIDER') || l.includes('CUDA') || l.includes('cuda'))
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'EXECUTION_PROVIDER=auto: no NVIDIA GPU is visible to this process (no /dev/nvidia0), so the CPU serves' })
    expect(output()).not.toContain('Failed to load')
    let ready = await fetch(`${url}/readyz`)
    while (ready.status !== 200) {
      await sleep(100)
      ready = await fetch(`${url}/readyz`)
    }
    expect(await ready.json()).toMatchObject({ status: 'ready', info: { executionProvider: 'cpu' } })
  })

  it('refuses EXECUTION_PROVIDER=cuda in one message when onnxruntime-node has no CUDA provider', async () => {
    const probe = probeCuda()
    if (probe.providerInstalled) return // this host has the CUDA build: the refusal would come from CUDA itself
    const { code, stderr } = await run({ MODEL: TEST_MODEL, MODELS_DIR, EXECUTION_PROVIDER: 'cuda', PORT: '0', LOG_LEVEL: 'silent' })
    expect(code).toBe(1)
    expect(stderr.trim()).toBe(`EXECUTION_PROVIDER=cuda, but onnxruntime-node was installed without its CUDA provider (no libonnxruntime_providers_cuda.so in ${probe.libraryDir}): ` +
      'reinstall it on this host with internet access (npm ci, without ONNXRUNTIME_NODE_INSTALL=skip), or use the GPU image (Dockerfile.gpu)')
  })
})
