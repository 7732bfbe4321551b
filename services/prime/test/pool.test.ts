import { describe, expect, it, vi } from 'vitest'
import { decide, parseOrThrow } from '../src/lib/check.js'
import { buildApp, labelled } from './helpers.js'

/** A 1000-digit prime (10^999 + 7): a few hundred ms of Baillie-PSW. */
const BIG_PRIME = (10n ** 999n + 7n).toString()
/** Mersenne primes of 664 and 687 digits: long enough to keep a worker busy while requests pile up. */
const M2203 = 2n ** 2203n - 1n
const M2281 = 2n ** 2281n - 1n

/** What the inline code answers, without the timing. */
const inline = (n: bigint) => untimed(decide(parseOrThrow(n.toString(), 1000)))
const untimed = ({ elapsed_ms: _elapsed, ...rest }: { elapsed_ms: number }) => rest

describe('the check worker pool', () => {
  it('answers /healthz while a 1000-digit check runs in a worker', async () => {
    const app = await buildApp()
    const order: string[] = []
    const big = app.inject(`/check/${BIG_PRIME}`)
    const checked = labelled(big, 'check', order)
    // The check is in a worker once /metrics says so (a few ticks after the request).
    await vi.waitFor(async () => {
      expect((await app.inject('/metrics')).body).toMatch(/prime_workers_busy\{service="prime"\} 1\n/)
    }, { interval: 1 })
    await Promise.all([checked, labelled(app.inject('/healthz'), 'healthz', order)])
    expect(order).toEqual(['healthz', 'check'])
    expect((await big).json()).toMatchObject({ number: BIG_PRIME, is_prime: true, digits: 1000, method: 'baillie-psw' })
  })

  it('answers 503 PRIME_BUSY with Retry-After (in seconds, and in milliseconds from the pool\'s pace) beyond PRIME_WORKERS + PRIME_MAX_QUEUE checks and decides the rest', async () => {
    const app = await buildApp({ PRIME_WORKERS: '1', PRIME_MAX_QUEUE: '2' })
    // One running, two waiting: the fourth and fifth are refused at once.
    const numbers = [M2203, M2281, M2203 + 2n, M2281 - 2n, M2203 - 2n]
    const responses = await Promise.all(numbers.map(async (n) => [n, await app.inject(`/check/${n}`)] as const))
    const refused = responses.filter(([, res]) => res.statusCode === 503)
    expect(refused).toHaveLength(2)
    for (const [, res] of refused) {
      expect(res.headers['retry-after']).toBe('1')
      // No check has finished yet: no pace to go by, so RETRY_AFTER_S.
      expect(res.json().error.retry_after_ms).toBe(1000)
      expect(res.json().error.code).toBe('PRIME_BUSY')
      expect(res.json().error.message).toMatch(/PRIME_WORKERS, PRIME_MAX_QUEUE/)
    }
    const answered = responses.filter(([, res]) => res.statusCode === 200)
    expect(answered).toHaveLength(3)
    for (const [n, res] of answered) expect(untimed(res.json())).toEqual(inline(n))
    const metrics = (await app.inject('/metrics')).body
    expect(metrics).toMatch(/prime_rejected_requests_total\{[^}]*reason="queue_full"[^}]*\} 2\n/)
    expect(metrics).toMatch(/prime_queue_depth\{service="prime"\} 0\n/)
  })

  it('answers like the inline code for 2^521-1, 2^607-1 and their neighbours, one by one and in a batch', async () => {
    const app = await buildApp({ PRIME_WORKER_MIN_DIGITS: '1' })
    const numbers = [521n, 607n].flatMap((e) => [-3n, -2n, -1n, 1n, 3n].map((d) => 2n ** e + d))
    for (const n of numbers) expect(untimed((await app.inject(`/check/${n}`)).json())).toEqual(inline(n))
    const batch = await app.inject({ method: 'POST', url: '/check', payload: { numbers: [...numbers, 97n, 91n, 0n].map(String) } })
    expect(batch.json().results.map(untimed)).toEqual([...numbers, 97n, 91n, 0n].map(inline))
    const metrics = (await app.inject('/metrics')).body
    expect(metrics).toMatch(/prime_checks_total\{[^}]*where="pool"[^}]*\} 23\n/)
    expect(metrics).not.toMatch(/where="inline"/)
  })

  it('decides a batch of small numbers inline and a batch with one big number in the pool', async () => {
    const app = await buildApp({ PRIME_WORKER_MIN_DIGITS: '60' })
    const post = async (numbers: string[]) => await app.inject({ method: 'POST', url: '/check', payload: { numbers } })
    expect((await post(['97', '91'])).json().results.map(untimed)).toEqual([inline(97n), inline(91n)])
    expect((await post(['97', (10n ** 59n).toString()])).json().results.map(untimed)).toEqual([inline(97n), inline(10n ** 59n)])
    const metrics = (await app.inject('/metrics')).body
    expect(metrics).toMatch(/prime_checks_total\{[^}]*where="inline"[^}]*\} 2\n/)
    expect(metrics).toMatch(/prime_checks_total\{[^}]*where="pool"[^}]*\} 2\n/)
  })

  it('reports its workers in /readyz and /metrics', async () => {
    const app = await buildApp({ PRIME_WORKERS: '2' })
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', checks: { 'prime-pool': 'ok' } })
    expect((await app.inject('/metrics')).body).toMatch(/prime_workers_alive\{service="prime"\} 2\n/)
  })

  it('finishes the running and the queued checks on close before it ends: a graceful stop loses nothing', async () => {
    const app = await buildApp({ PRIME_WORKERS: '1' })
    const order: string[] = []
    const running = app.inject(`/check/${BIG_PRIME}`)
    const queued = app.inject(`/check/${M2203}`)
    // Answered once both checks above have reached the pool: requests are handled in order.
    await app.inject('/healthz')
    const metrics = (await app.inject('/metrics')).body
    expect(metrics).toMatch(/prime_workers_busy\{service="prime"\} 1\n/)
    expect(metrics).toMatch(/prime_queue_depth\{service="prime"\} 1\n/)
    // The kit's drain waits for the requests from before the close (a new one would get 503 PRIME_SHUTTING_DOWN).
    await Promise.all([labelled(running, 'check', order), labelled(queued, 'queued', order), labelled(app.close(), 'close', order)])
    expect(order).toEqual(['check', 'queued', 'close'])
    expect((await running).json()).toMatchObject({ number: BIG_PRIME, is_prime: true })
    expect((await queued).json()).toMatchObject({ number: M2203.toString(), is_prime: true })
  })

  it('replaces a worker that dies mid-check, answers that check 503 PRIME_WORKER_FAILED, counts the restart and is unready while no worker is alive', async () => {
    const app = await buildApp({ PRIME_WORKERS: '1' }, new URL('./fixtures/dying-check-worker.ts', import.meta.url))
    const fatal = await app.inject(`/check/666${'1'.repeat(60)}`)
    expect(fatal.statusCode).toBe(503)
    expect(fatal.headers['retry-after']).toBe('1')
    expect(fatal.json().error).toMatchObject({ code: 'PRIME_WORKER_FAILED' })
    expect(fatal.json().error.message).toMatch(/exit code 70/)
    // The replacement takes 300 ms to start: meanwhile no worker is alive.
    const unready = await app.inject('/readyz')
    expect([unready.statusCode, unready.json().checks['prime-pool']]).toEqual([503, 'none of the 1 check workers is alive; they are being started again'])
    // The next check waits for the replacement worker, then gets its answer.
    const next = await app.inject(`/check/${M2203}`)
    expect(untimed(next.json())).toEqual(inline(M2203))
    expect((await app.inject('/readyz')).statusCode).toBe(200)
    const metrics = (await app.inject('/metrics')).body
    expect(metrics).toMatch(/prime_rejected_requests_total\{[^}]*reason="worker_failed"[^}]*\} 1\n/)
    expect(metrics).toMatch(/prime_worker_restarts_total\{service="prime"\} 1\n/)
  })
})

describe('checks whose client went away', () => {
  /** A counter's value in the app's registry (summed over its labels). */
  const counter = async (app: Awaited<ReturnType<typeof buildApp>>, name: string): Promise<number> =>
    ((await app.metrics.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0)

  it('drops the checks of clients that gave up while they waited: under a mixed flood it decides about as many numbers as it delivers', async () => {
    const app = await buildApp({ PRIME_WORKERS: '1', PRIME_MAX_QUEUE: '64' })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    // 1000-digit checks of a few hundred ms each: 24 impatient clients (200 ms) and 4 patient ones, interleaved.
    const answers = await Promise.all(Array.from({ length: 28 }, async (_, i) => {
      const patient = i % 7 === 3
      try {
        const res = await fetch(`${url}/check/${BIG_PRIME}`, { signal: AbortSignal.timeout(patient ? 30_000 : 200) })
        return res.status === 200 && (await res.json() as { is_prime: boolean }).is_prime ? 'delivered' : `status ${res.status}`
      } catch {
        return 'gave up'
      }
    }))
    const delivered = answers.filter((a) => a === 'delivered').length
    expect(answers.filter((a) => a !== 'gave up' && a !== 'delivered')).toEqual([])
    expect(delivered).toBeGreaterThanOrEqual(4)
    // Every check is decided or dropped, once: what the worker was running when its client left is decided all the same.
    await vi.waitFor(async () => expect(await counter(app, 'prime_checks_total') + await counter(app, 'prime_checks_dropped_total')).toBe(28))
    // Decided beyond delivered: at most the check running when its client left, and one more for timing's sake (not the 24 of before).
    expect(await counter(app, 'prime_checks_total')).toBeLessThanOrEqual(delivered + 2)
  })

  it('stops deciding an inline batch when its client has gone', async () => {
    const app = await buildApp({ PRIME_WORKERS: '1', PRIME_MAX_BATCH_DIGITS: '100000' })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    // A 59-digit prime (decided inline) 1,000 times: about a second of Miller-Rabin; the client leaves after 150 ms.
    let prime = 10n ** 58n + 1n
    while (!decide(parseOrThrow(prime.toString(), 100)).is_prime) prime += 2n
    const numbers = Array(1000).fill(prime.toString())
    await expect(fetch(`${url}/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ numbers }),
      signal: AbortSignal.timeout(150)
    })).rejects.toThrow()
    await vi.waitFor(async () => expect(await counter(app, 'prime_checks_dropped_total')).toBeGreaterThan(0))
    expect(await counter(app, 'prime_checks_total') + await counter(app, 'prime_checks_dropped_total')).toBe(1000)
    expect(await counter(app, 'prime_checks_total')).toBeLessThan(1000)
  })
})
