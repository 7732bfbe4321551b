import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { curl } from '../../kit/test/curl.js'
import { IMAGES_DIR } from './real-classifier.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** A port that was free a moment ago. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('npm start (scripts/start.mjs)', () => {
  it('runs the stack, keeps prime and the page up when the classifier has no model, and stops cleanly on SIGTERM', async () => {
    const [frontend, prime, classifier, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()]
    const noModels = await mkdtemp(join(tmpdir(), 'no-models-'))
    onTestFinished(() => rm(noModels, { recursive: true, force: true }))
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: {
        ...process.env,
        FRONTEND_PORT: String(frontend),
        PRIME_PORT: String(prime),
        CLASSIFIER_PORT: String(classifier),
        METRICS_PORT: String(metrics),
        MODELS_DIR: noModels,
        MODEL_CACHE_DIR: noModels,
        MODEL: 'mobilenetv2-12-int8',
        NO_COLOR: '1'
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    onTestFinished(() => { if (child.exitCode === null) child.kill('SIGKILL') })
    let output = ''
    const waiters: Array<() => void> = []
    const collect = (chunk: Buffer) => { output += chunk.toString(); for (const wake of waiters.splice(0)) wake() }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    const seen = async (text: string) => {
      while (!output.includes(text)) {
        if (child.exitCode !== null) throw new Error(`start.mjs exited before printing "${text}":\n${output}`)
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    }

    const page = `http://127.0.0.1:${frontend}/`
    await seen(`the page is at ${page}`)
    await seen('image classification is unavailable')
    expect(output).toContain('npm run models:fetch')
    expect(output).toMatch(/^classifier │ .*mobilenetv2-12-int8/m)

    const check = await fetch(`${page}api/prime/check/1000000007`)
    expect(check.status).toBe(200)
    expect(await check.json()).toMatchObject({ number: '1000000007', is_prime: true })
    expect(output).toMatch(/^prime {6}│ /m)

    const classify = await fetch(`${page}api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(1024) })
    expect(classify.status).toBe(503)
    expect((await classify.json()).error.code).toBe('FRONTEND_UPSTREAM_UNAVAILABLE')
    expect((await fetch(page)).headers.get('content-type')).toMatch(/^text\/html/)
    // curl's Expect: 100-continue (bodies over 1 MB) is answered: the classifier's absence, not a 502.
    const upload = await curl(`${page}api/classify`, '--data-binary', `@${join(IMAGES_DIR, 'tabby-cat.png')}`, '-H', 'content-type: image/png')
    expect([upload.status, upload.continued]).toEqual([503, true])
    expect(upload.json<{ error: { code: string } }>().error.code).toBe('FRONTEND_UPSTREAM_UNAVAILABLE')
    expect((await fetch(`${page}metrics`)).status).toBe(404)
    expect(await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text()).toContain('frontend_upstream_failures_total')

    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('all services stopped')
    await expect(fetch(`${page}healthz`)).rejects.toThrow()
    await expect(fetch(`http://127.0.0.1:${prime}/healthz`)).rejects.toThrow()
  }, 240_000)
})
