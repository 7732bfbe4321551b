import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { testImagesDir } from '@inference-stack/test-assets'
import { Agent, fetch, type RequestInit } from 'undici'
import { afterAll, describe, expect, onTestFinished } from 'vitest'
import { publicPath } from './lib/cases.js'
import { startFaultStack } from './lib/fault-stack.js'
import { normalRequest } from './lib/normal.js'
import { head, rawRequest } from './lib/raw-http.js'
import { watchMemory } from './lib/memory-case.js'
import { FaultGroup } from './lib/report.js'
import { CLOSE_BOUND_MS } from './lib/settings.js'

/** 2^3217 - 1, a Mersenne prime of 969 digits: a check of a few hundred ms in prime's worker pool. */
const BIG_PRIME = (2n ** 3217n - 1n).toString()
/** Prime work in flight at SIGTERM: about this much, well within the drain time. */
const PRIME_WORK_MS = 3000

const stack = await startFaultStack()
afterAll(async () => { await stack.close() })
const memory = watchMemory(stack)
const photo = await readFile(join(await testImagesDir(), 'domestic-cat-5360x3560.jpg'))

interface Outcome { status: number, code?: string, error?: string, ms: number }

const codeOf = (text: string): string | undefined => {
  try { return (JSON.parse(text) as { error?: { code?: string } }).error?.code } catch { return 'not JSON' }
}

/**
 * A request the server has certainly begun: sent with `Expect: 100-continue`, its body follows the
 * server's 100 (which the server sends once it has routed the request). `sent` resolves when the
 * whole body is written; `answer` when the answer is in.
 */
function begun (url: string, path: string, type: string, body: Buffer): { sent: Promise<void>, answer: Promise<Outcome> } {
  let markSent = (): void => {}
  const sent = new Promise<void>((resolve) => { markSent = resolve })
  const host = new URL(url).host
  const answer = rawRequest(url, [
    head('POST', path, [['Host', host], ['Content-Type', type], ['Content-Length', String(body.length)], ['Expect', '100-continue']]),
    { awaitContinueMs: 30_000 },
    body,
    { sent: markSent }
  ], { timeoutMs: 60_000 }).then((a): Outcome => {
    markSent()
    const code = codeOf(a.body.toString('utf8'))
    if (a.status === 0) return { status: 0, error: a.reset ? 'reset' : a.closed ? 'closed without an answer' : 'no answer', ms: a.ms }
    return { status: a.status, ...(code === undefined ? {} : { code }), ms: a.ms }
  })
  return { sent, answer }
}

/**
 * Requests during a drain come on new connections: a request written into a kept-alive connection
 * as the server closes it meets a reset that every HTTP client must expect (and retries).
 */
const fresh = new Agent({ pipelining: 0 })
afterAll(async () => { await fresh.close() })

/** A request during the drain: its answer, or what kept it from one. */
async function request (url: string, init: RequestInit = {}): Promise<Outcome> {
  const started = performance.now()
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000), dispatcher: fresh })
    // A body cut short or that is not JSON was broken mid-answer.
    const code = codeOf(await res.text())
    return { status: res.status, ...(code === undefined ? {} : { code }), ms: performance.now() - started }
  } catch (err) {
    const cause = (err as { cause?: { code?: string, message?: string } }).cause
    return { status: 0, error: cause?.code ?? cause?.message ?? (err as Error).message, ms: performance.now() - started }
  }
}

/**
 * Refused cleanly: a 503 with the project's JSON error (a code; fastify's own closing answer has
 * none), or no connection at all (the port is closed). Never a reset or a 502.
 */
const cleanRefusal = (o: Outcome): boolean => o.status === 200 || (o.status === 503 && o.code !== undefined && o.code !== 'not JSON') || o.error === 'ECONNREFUSED'

function describeOutcomes (outcomes: Outcome[]): string {
  const kinds = new Map<string, number>()
  for (const o of outcomes) {
    const kind = o.status === 0 ? `${o.error}` : `${o.status}${o.code === undefined ? '' : ` ${o.code}`}`
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }
  return [...kinds].map(([k, n]) => `${n} x ${k}`).join(', ')
}

/** Sends `fire()` every `everyMs` until `until` settles: what arrives while a service drains. */
async function during (until: Promise<unknown>, everyMs: number, fire: () => Promise<Outcome>): Promise<Outcome[]> {
  const sent: Array<Promise<Outcome>> = []
  const state = { done: false }
  until.finally(() => { state.done = true }).catch(() => {})
  while (!state.done) {
    sent.push(fire())
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return await Promise.all(sent)
}

const group = new FaultGroup('SIGTERM under load', 55)
describe(group.name, () => {
  // Batches of big numbers, fewer at once than PRIME_MAX_CONCURRENT_BATCHES (4), sized to the machine.
  let perBatch = 1
  group.case('measured: one big prime check', async ({ observe }) => {
    const once = await request(`${stack.url('prime')}/check/${BIG_PRIME}`)
    expect(once.status).toBe(200)
    observe(once.ms)
    perBatch = Math.max(1, Math.min(4, Math.floor(PRIME_WORK_MS / 3 / once.ms)))
  })

  const upload = (url: string, path: string) => begun(url, path, 'image/jpeg', photo)
  const check = (url: string, path: string) => begun(url, path, 'application/json', Buffer.from(JSON.stringify({ numbers: new Array(perBatch).fill(BIG_PRIME) })))
  const classifyVia = () => `${stack.url('frontend')}${publicPath('classifier', '/classify')}`
  const targets = [
    {
      service: 'classifier' as const,
      inFlight: () => Array.from({ length: 8 }, () => upload(stack.url('classifier'), '/classify')),
      later: async () => await request(classifyVia(), { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(photo) })
    },
    {
      service: 'prime' as const,
      inFlight: () => Array.from({ length: 3 }, () => check(stack.url('prime'), '/check')),
      later: async () => await request(`${stack.url('frontend')}${publicPath('prime', '/check/97')}`)
    },
    {
      service: 'frontend' as const,
      inFlight: () => [
        ...Array.from({ length: 6 }, () => upload(stack.url('frontend'), publicPath('classifier', '/classify'))),
        ...Array.from({ length: 2 }, () => check(stack.url('frontend'), publicPath('prime', '/check')))
      ],
      later: async () => await request(`${stack.url('frontend')}${publicPath('prime', '/check/97')}`)
    }
  ]
  for (const target of targets) {
    group.case(`${target.service}: requests in flight complete, later ones are refused cleanly, exit 0 within ${CLOSE_BOUND_MS / 1000} s`, async ({ observe }) => {
      const child = stack.children[target.service]
      expect(child).toBeDefined()
      const before = await Promise.all([normalRequest(stack, 'prime', 'frontend'), normalRequest(stack, 'classifier', 'frontend')])
      expect(before.map((a) => a.status), 'the stack serves before the signal').toEqual([200, 200])
      const inFlight = target.inFlight()
      await Promise.all(inFlight.map(async (r) => await Promise.race([r.sent, r.answer])))
      const signalled = performance.now()
      child!.proc.kill('SIGTERM')
      // Whatever the outcome, the next case finds the whole stack running.
      onTestFinished(async () => { await stack.restart(target.service) })
      const exited = child!.closed.then((result) => ({ ...result, ms: performance.now() - signalled }))
      const later = await during(exited, 100, target.later)
      const outcomes = await Promise.all(inFlight.map(async (r) => await r.answer))
      const exit = await exited
      outcomes.forEach((o) => observe(o.ms))
      group.note(`${target.service}: in flight ${describeOutcomes(outcomes)}; during the drain ${describeOutcomes(later)}; exit ${exit.code ?? exit.signal} after ${Math.round(exit.ms)} ms`)
      expect(describeOutcomes(outcomes), 'requests in flight at SIGTERM').toBe(`${outcomes.length} x 200`)
      const unclean = later.filter((o) => !cleanRefusal(o))
      expect(unclean.length === 0 ? '' : describeOutcomes(unclean), 'requests during the drain answered other than 200, 503 JSON or connection refused').toBe('')
      expect(exit.code, 'exit code').toBe(0)
      expect(exit.ms).toBeLessThanOrEqual(CLOSE_BOUND_MS)
    }, 120_000)
  }
  memory.check(group)
})
