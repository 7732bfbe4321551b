import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The smallest prime with 300 digits (cross-checked with sympy.nextprime). */
const PRIME_300 = (10n ** 299n + 669n).toString()
const BIG_PRIME = (10n ** 999n + 7n).toString()

/** Runs `node services/prime/dist/server.js` on a free port; resolves once it listens. */
async function startBuilt (): Promise<{ url: string, child: ChildProcess }> {
  const child = spawn(process.execPath, ['services/prime/dist/server.js'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', PRIME_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  onTestFinished(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`dist/server.js exited (code ${code}) before listening`) })
  // Reads the log to the end: a closed pipe would fail the server's later writes (EPIPE).
  const listening = new Promise<string>((resolve) => {
    let log = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk
      const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1]
      if (url !== undefined) resolve(url)
    })
  })
  return { url: await Promise.race([listening, exited]), child }
}

describe('the built server (dist)', () => {
  beforeAll(async () => {
    // Incremental: quick when dist is current, and the test never runs a stale build.
    await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'services/prime'], { cwd: ROOT })
  })

  it('decides a 300-digit prime in its worker pool over HTTP', async () => {
    const { url } = await startBuilt()
    const res = await fetch(`${url}/check/${PRIME_300}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ number: PRIME_300, is_prime: true, digits: 300, method: 'baillie-psw' })
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toMatch(/prime_checks_total\{[^}]*where="pool"[^}]*\} 1\n/)
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', checks: { 'prime-pool': 'ok' } })
  })

  it('finishes a running check on SIGTERM, then exits 0', async () => {
    const { url, child } = await startBuilt()
    const running = fetch(`${url}/check/${BIG_PRIME}`)
    // Another connection, answered while the check is in the worker (the two may arrive in either order).
    await vi.waitFor(async () => {
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/prime_workers_busy\{[^}]*\} 1\n/)
    }, { timeout: 10_000, interval: 10 })
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const res = await running
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ number: BIG_PRIME, is_prime: true })
    expect((await exited)[0]).toBe(0)
  })
})
