import { afterAll, describe, expect } from 'vitest'
import { answerProblems } from './lib/answer.js'
import type { Expectation } from './lib/cases.js'
import { startFaultStack, type FaultStack } from './lib/fault-stack.js'
import { normalRequest } from './lib/normal.js'
import type { RawAnswer } from './lib/raw-http.js'
import { watchMemory } from './lib/memory-case.js'
import { FaultGroup } from './lib/report.js'
import { BODY_TIMEOUT_BOUND_MS, CLASSIFY_BOUND_MS, MACHINE_MARGIN_MS, SETTINGS } from './lib/settings.js'
import { slowHead, trickle } from './lib/trickle.js'

/** Time a client has to send its request head, in every service (kit HEADERS_TIMEOUT_MS). */
const HEADERS_TIMEOUT_MS = 15_000
/** What a service allows a whole request before Node cuts it (kit: headers 15 s + body 60 s), checked every second. */
const SERVICE_REQUEST_TIMEOUT_MS = 75_000 + 1000
const timedOut: Expectation = { status: 408, shape: 'kit', closes: true }

const stack = await startFaultStack()
afterAll(async () => { await stack.close() })
const memory = watchMemory(stack)

/** A stalled client: its answer, and how long it took. */
const stalled = (url: string, path: string, timeoutMs: number): Promise<RawAnswer> =>
  trickle(url, path, { declared: 100_000, contentType: path.includes('check') ? 'application/json' : 'image/jpeg', bytes: 1000, everyMs: 10, steps: 1, timeoutMs })

// The long waits start now and are judged at the end of the file, so they overlap the rest.
const stalledAtServices = {
  prime: stalled(stack.url('prime'), '/check', SERVICE_REQUEST_TIMEOUT_MS + MACHINE_MARGIN_MS + 5000),
  classifier: stalled(stack.url('classifier'), '/classify', SERVICE_REQUEST_TIMEOUT_MS + MACHINE_MARGIN_MS + 5000)
}
const slowloris = slowHead(stack.url('frontend'), 1000, HEADERS_TIMEOUT_MS + MACHINE_MARGIN_MS + 5000)

function stop (stack: FaultStack, service: 'prime' | 'classifier', signal: 'SIGSTOP' | 'SIGCONT'): void {
  process.kill(stack.pids[service] as number, signal)
}

const clients = new FaultGroup('slow clients', 40)
describe(clients.name, () => {
  clients.case('a body trickled within BODY_TIMEOUT_MS is answered 200 through the frontend', async ({ observe }) => {
    const body = Buffer.from('{"numbers":["97","91"]}')
    // All of it within half the body timeout.
    const answer = await trickle(stack.url('frontend'), '/api/prime/check', {
      declared: body.length, body, contentType: 'application/json', bytes: 1, everyMs: SETTINGS.frontend.BODY_TIMEOUT_MS / (2 * body.length), steps: body.length, timeoutMs: 30_000
    })
    observe(answer.ms)
    expect(answerProblems(answer, { status: 200, shape: 'ok' }).join('; ')).toBe('')
  })

  clients.case('a client that stops sending its body gets 408 JSON and is closed within BODY_TIMEOUT_MS (frontend)', async ({ observe }) => {
    const answer = await stalled(stack.url('frontend'), '/api/classify', BODY_TIMEOUT_BOUND_MS + 5000)
    observe(answer.ms)
    expect(answerProblems(answer, timedOut).join('; ')).toBe('')
    expect(answer.ms).toBeLessThanOrEqual(BODY_TIMEOUT_BOUND_MS)
  })

  clients.case('200 clients trickling uploads do not delay normal uploads and prime checks, and each gets 408 in time', async ({ observe }) => {
    const url = stack.url('frontend')
    const trickling = (path: string, type: string): Promise<RawAnswer> =>
      trickle(url, path, { declared: 1024 * 1024, contentType: type, bytes: 10, everyMs: 500, steps: 1000, timeoutMs: BODY_TIMEOUT_BOUND_MS + 10_000 })
    const slow = [
      ...Array.from({ length: 150 }, () => trickling('/api/classify', 'image/jpeg')),
      ...Array.from({ length: 50 }, () => trickling('/api/prime/check', 'application/json'))
    ]
    await new Promise((resolve) => setTimeout(resolve, 500))
    const [upload, check] = await Promise.all([normalRequest(stack, 'classifier', 'frontend'), normalRequest(stack, 'prime', 'frontend')])
    observe(upload.ms)
    observe(check.ms)
    const answers = await Promise.all(slow)
    expect([upload.status, check.status], 'normal upload and check').toEqual([200, 200])
    expect(upload.ms, 'the normal upload waited for the slow ones').toBeLessThanOrEqual(MACHINE_MARGIN_MS)
    expect(check.ms, 'the prime check waited for the slow uploads').toBeLessThanOrEqual(MACHINE_MARGIN_MS)
    const late = answers.filter((a) => a.status !== 408 || a.ms > BODY_TIMEOUT_BOUND_MS + 1000)
    clients.note(`trickling clients answered: ${summarize(answers)}`)
    expect(late.length, `trickling clients not answered 408 within ${BODY_TIMEOUT_BOUND_MS} ms: ${summarize(late)}`).toBe(0)
  }, 60_000)

  clients.case(`a request head sent a line a second is cut off within the ${HEADERS_TIMEOUT_MS / 1000} s header timeout (frontend)`, async ({ observe }) => {
    const answer = await slowloris
    observe(answer.ms)
    expect(answer.status === 0 ? answer.closed : answerProblems(answer, timedOut).length === 0, `got ${answer.status} after ${Math.round(answer.ms)} ms`).toBe(true)
    expect(answer.ms).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + MACHINE_MARGIN_MS)
  }, 60_000)

  for (const service of ['prime', 'classifier'] as const) {
    clients.case(`${service} cuts off a stalled body with 408 JSON within its request timeout (${SERVICE_REQUEST_TIMEOUT_MS / 1000} s)`, async ({ observe }) => {
      const answer = await stalledAtServices[service]
      observe(answer.ms)
      expect(answerProblems(answer, timedOut).join('; ')).toBe('')
      expect(answer.ms).toBeLessThanOrEqual(SERVICE_REQUEST_TIMEOUT_MS + MACHINE_MARGIN_MS)
    }, 120_000)
  }
})

function summarize (answers: RawAnswer[]): string {
  const kinds = new Map<string, number>()
  for (const a of answers) {
    const kind = `${a.status === 0 ? 'none' : a.status} after ${a.ms > BODY_TIMEOUT_BOUND_MS + 1000 ? `more than ${Math.round((BODY_TIMEOUT_BOUND_MS + 1000) / 1000)} s` : 'less'}`
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }
  return [...kinds].map(([k, n]) => `${n} x ${k}`).join(', ')
}

const upstreams = new FaultGroup('slow upstreams', 41)
describe(upstreams.name, () => {
  upstreams.case('a stopped prime: 504 JSON within PRIME_TIMEOUT_MS, classify unaffected, /readyz red, back after SIGCONT', async ({ observe }) => {
    const bound = SETTINGS.frontend.PRIME_TIMEOUT_MS + MACHINE_MARGIN_MS
    stop(stack, 'prime', 'SIGSTOP')
    try {
      const checks = Array.from({ length: 20 }, async () => await normalRequest(stack, 'prime', 'frontend', bound + 10_000))
      const [upload, ready] = await Promise.all([
        normalRequest(stack, 'classifier', 'frontend'),
        fetch(`${stack.url('frontend')}/readyz`).then((r) => r.status)
      ])
      const answers = await Promise.all(checks)
      answers.forEach((a) => observe(a.ms))
      expect(answers.map((a) => a.status), 'prime checks while prime is stopped').toEqual(answers.map(() => 504))
      expect(answers.every((a) => JSON.parse(a.body).error?.code === 'FRONTEND_UPSTREAM_TIMEOUT')).toBe(true)
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThanOrEqual(bound)
      expect(upload.status, 'a classification while prime is stopped').toBe(200)
      expect(upload.ms).toBeLessThanOrEqual(CLASSIFY_BOUND_MS)
      expect(ready, '/readyz while prime is stopped').toBe(503)
    } finally {
      stop(stack, 'prime', 'SIGCONT')
    }
    const after = await normalRequest(stack, 'prime', 'frontend')
    expect(after.status).toBe(200)
    expect(after.ms).toBeLessThanOrEqual(MACHINE_MARGIN_MS)
  })

  upstreams.case('a stopped classifier: 504 JSON within CLASSIFIER_TIMEOUT_MS, prime unaffected, back after SIGCONT', async ({ observe }) => {
    const bound = SETTINGS.frontend.CLASSIFIER_TIMEOUT_MS + MACHINE_MARGIN_MS
    stop(stack, 'classifier', 'SIGSTOP')
    try {
      const uploads = Array.from({ length: 4 }, async () => await normalRequest(stack, 'classifier', 'frontend', bound + 10_000))
      const check = await normalRequest(stack, 'prime', 'frontend')
      const answers = await Promise.all(uploads)
      answers.forEach((a) => observe(a.ms))
      expect(answers.map((a) => a.status), 'uploads while the classifier is stopped').toEqual([504, 504, 504, 504])
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThanOrEqual(bound)
      expect(check.status, 'a prime check while the classifier is stopped').toBe(200)
      expect(check.ms).toBeLessThanOrEqual(MACHINE_MARGIN_MS)
    } finally {
      stop(stack, 'classifier', 'SIGCONT')
    }
    const after = await normalRequest(stack, 'classifier', 'frontend')
    expect(after.status).toBe(200)
  }, 60_000)
  memory.check(upstreams)
})
