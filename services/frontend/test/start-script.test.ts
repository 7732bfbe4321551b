import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { TEST_MODEL, testImagesDir, testModelsDir } from '@inference-stack/test-assets'
import { describe, expect, it, onTestFinished } from 'vitest'
import { curl } from '../../kit/test/curl.js'
import { refusedUrl } from './helpers.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The small real model and the photos: MODELS_DIR and TEST_IMAGES_DIR, or fetched on first use. */
const MODELS = await testModelsDir()
const IMAGES_DIR = await testImagesDir()
/** The launcher's own grace period (kit/child STOP_GRACE_MS), plus a margin for a loaded machine. */
const STOP_WITHIN_MS = 20_000

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function emptyDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'start-models-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Every process below `pid`, from /proc (the services run in their own process groups). */
function descendants (pid: number): number[] {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')
      parents.set(Number(entry), Number(fields?.[1]))
    } catch { /* exited meanwhile */ }
  }
  const found: number[] = []
  const walk = (parent: number): void => {
    for (const [child, ppid] of parents) if (ppid === parent) { found.push(child); walk(child) }
  }
  walk(pid)
  return found
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')

/** `npm start` as a user runs it, with its output collected. */
function npmStart (env: Record<string, string>): { proc: ChildProcess, output: () => string, seen: (text: string) => Promise<void> } {
  const proc = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const pids = new Set<number>()
  onTestFinished(() => {
    for (const pid of [proc.pid ?? 0, ...pids]) { try { process.kill(pid, 'SIGKILL') } catch { /* gone */ } }
  })
  let output = ''
  const waiters: Array<() => void> = []
  const collect = (chunk: Buffer): void => {
    output += chunk.toString()
    if (proc.pid !== undefined) for (const pid of descendants(proc.pid)) pids.add(pid)
    for (const wake of waiters.splice(0)) wake()
  }
  proc.stdout?.on('data', collect)
  proc.stderr?.on('data', collect)
  // The output ends when every process holding it has exited: npm may exit before the launcher it ran.
  let ended = false
  proc.stdout?.on('close', () => { ended = true; for (const wake of waiters.splice(0)) wake() })
  const seen = async (text: string): Promise<void> => {
    while (!output.includes(text)) {
      if (ended) throw new Error(`npm start ended its output before printing "${text}":\n${output}`)
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return { proc, output: () => output, seen }
}

/** A mirror as an air-gapped site runs one: the catalog's files under one path of a plain web server. */
async function startMirror (): Promise<string> {
  const server = createHttpServer((req, res) => {
    const path = join(MODELS, (req.url ?? '').replace(/^\/models\//, ''))
    stat(path).then((info) => {
      res.writeHead(200, { 'content-length': info.size })
      createReadStream(path).pipe(res)
    }, () => res.writeHead(404).end())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/models`
}

describe('npm start', () => {
  it('downloads a missing model (from MODELS_BASE_URL), serves it on the CPU without onnxruntime\'s CUDA error, and stops every service when npm gets SIGTERM', async () => {
    const [frontend, prime, classifier, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()]
    const cache = await emptyDir()
    const start = npmStart({
      FRONTEND_PORT: String(frontend),
      PRIME_PORT: String(prime),
      CLASSIFIER_PORT: String(classifier),
      METRICS_PORT: String(metrics),
      MODELS_DIR: '',
      MODEL_CACHE_DIR: cache,
      MODEL: TEST_MODEL,
      MODELS_BASE_URL: await startMirror(),
      EXECUTION_PROVIDER: 'auto'
    })
    const page = `http://127.0.0.1:${frontend}/`
    await start.seen(`image classification is ready (${TEST_MODEL} on CPU)`)
    const out = start.output()

    // The download: announced, progress as plain lines (no terminal here), checked, in place.
    expect(out).toMatch(new RegExp(`^start +│ ${TEST_MODEL} is not installed: downloading ${TEST_MODEL}\\.onnx \\(3\\.7 MB\\) from http://127\\.0\\.0\\.1:\\d+/models into ${cache}$`, 'm'))
    expect(out).toMatch(new RegExp(`^start +│ ${TEST_MODEL}\\.onnx +100% 3\\.7/3\\.7 MB`, 'm'))
    expect(out).toContain(`${TEST_MODEL}.onnx: downloaded to ${join(cache, `${TEST_MODEL}.onnx`)}, checksum ok`)
    // The provider: one info line, and no native "Failed to load library" from asking CUDA on a host without it.
    expect(out.match(/no NVIDIA GPU is visible to this process .*so the CPU serves/g)).toHaveLength(1)
    expect(out).not.toContain('Failed to load')
    expect(out.match(/the page is at/g)).toHaveLength(1)

    const check = await fetch(`${page}api/prime/check/1000000007`)
    expect(await check.json()).toMatchObject({ number: '1000000007', is_prime: true })
    const ready = await (await fetch(`http://127.0.0.1:${classifier}/readyz`)).json()
    expect(ready).toEqual({ status: 'ready', checks: { model: 'ok' }, info: { executionProvider: 'cpu' } })
    // curl's Expect: 100-continue (bodies over 1 MB), raw and as a form, through the frontend.
    const tabby = join(IMAGES_DIR, 'tabby-cat.png')
    for (const args of [['--data-binary', `@${tabby}`, '-H', 'content-type: image/png'], ['-F', `image=@${tabby}`]]) {
      const upload = await curl(`${page}api/classify?topk=1`, ...args)
      expect([upload.status, upload.continued], args.join(' ')).toEqual([200, true])
    }
    // Metrics stay off the public port.
    expect((await fetch(`${page}metrics`)).status).toBe(404)
    expect(await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text()).toContain('frontend_upstream_failures_total')

    // What a supervisor, a CI runner or a closing terminal does: SIGTERM to the npm process.
    const services = descendants(start.proc.pid!)
    expect(services.length).toBeGreaterThanOrEqual(5) // sh, the launcher, prime, classifier, frontend
    process.kill(start.proc.pid!, 'SIGTERM')
    const deadline = Date.now() + STOP_WITHIN_MS
    while (services.some(alive) && Date.now() < deadline) await sleep(100)
    expect(services.filter(alive)).toEqual([])
    expect(start.output()).toContain('all services stopped')
    for (const port of [frontend, prime, classifier]) await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
  }, 240_000)

  it('offline with no model: one line says what to do, prime and the page run, and the classifier answers CLASSIFIER_NO_MODEL', async () => {
    const [frontend, prime, classifier] = [await freePort(), await freePort(), await freePort()]
    const empty = await emptyDir()
    const start = npmStart({
      FRONTEND_PORT: String(frontend),
      PRIME_PORT: String(prime),
      CLASSIFIER_PORT: String(classifier),
      // Its default (9464) may be another program's on a shared machine.
      METRICS_PORT: String(await freePort()),
      MODELS_DIR: empty,
      MODEL_CACHE_DIR: empty,
      MODEL: TEST_MODEL,
      MODELS_BASE_URL: await refusedUrl()
    })
    const page = `http://127.0.0.1:${frontend}/`
    await start.seen(`the page is at ${page}`)
    const advice = start.output().split('\n').filter((l) => l.includes('npm run models:fetch'))
    expect(advice).toHaveLength(1)
    expect(advice[0]).toMatch(/^start +│ no model: cannot download mobilenetv2-12-int8\.onnx \(3\.7 MB\) from 127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)\. Prime and the page run without image classification; to install it, run `npm run models:fetch mobilenetv2-12-int8` when this machine is online, set MODELS_DIR to a directory that holds mobilenetv2-12-int8\.onnx and imagenet-labels\.json, or set MODELS_BASE_URL to a mirror that serves them; then start again\.$/)
    expect(start.output()).not.toMatch(/^\s+at /m)

    const info = await fetch(`${page}api/classifier/info`)
    expect(info.status).toBe(503)
    expect((await info.json()).error).toMatchObject({ code: 'CLASSIFIER_NO_MODEL', message: expect.stringContaining('To install it, run npm run models:fetch mobilenetv2-12-int8') })
    expect((await fetch(`${page}api/prime/check/97`)).status).toBe(200)

    process.kill(start.proc.pid!, 'SIGTERM')
    await start.seen('all services stopped')
  }, 240_000)

  it('names the port in use and the variable that moves it in one line, never announces a page another program serves, and exits 1', async () => {
    const [frontend, prime, classifier] = [await freePort(), await freePort(), await freePort()]
    // Another web server on the frontend's port, healthy: a /healthz poll would take it for the frontend.
    const squatter = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'))
    await new Promise<void>((resolve) => squatter.listen(frontend, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => squatter.close(() => resolve())))
    const start = npmStart({ FRONTEND_PORT: String(frontend), PRIME_PORT: String(prime), CLASSIFIER_PORT: String(classifier), METRICS_PORT: String(await freePort()), MODELS_DIR: MODELS, MODEL: TEST_MODEL })
    const [code] = await once(start.proc, 'exit') as [number | null]
    expect(code).toBe(1)
    const lines = start.output().split('\n').filter((l) => l.includes(String(frontend)))
    expect(lines).toEqual([`start      │ port ${frontend} is already in use (frontend): set FRONTEND_PORT to a free port, e.g. FRONTEND_PORT=${frontend + 10} npm start`])
    expect(start.output()).not.toContain('the page is at')
    expect(start.output()).toContain('all services stopped')
    await expect(fetch(`http://127.0.0.1:${prime}/healthz`)).rejects.toThrow()
  }, 240_000)
})
