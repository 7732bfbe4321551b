import { afterAll, describe, expect } from 'vitest'
import type { LoadRequest } from '../src/load-request.js'
import { loadPhotos, uploadBody } from '../src/scenarios/images.js'
import { numbers300 } from '../src/scenarios/prime-300.js'
import { startFaultStack } from './lib/fault-stack.js'
import { closedLoop, latencies, openLoop, timeTo200, type Sample } from './lib/load.js'
import { MemoryPeaks } from './lib/memory.js'
import { normalRequest } from './lib/normal.js'
import { FaultGroup, type OverloadFigures } from './lib/report.js'
import { CLASSIFY_BOUND_MS, FIRST_REFUSAL_BOUND_MS, memoryLimitMiB, primeBoundMs, RECOVERY_BOUND_MS } from './lib/settings.js'
import { p99 } from './lib/table.js'

/** How much more than the measured capacity the open loop offers. */
const OVERLOAD = 4
const CAPACITY_SECONDS = 6
const OVERLOAD_SECONDS = 10
/** Overload answers still in flight after the offered load ends may take this long at most (a bound's worth, doubled). */
const SETTLE_LIMIT_MS = 60_000

// Through the frontend, as users reach the stack: measure what each backend serves in a closed
// loop, then offer four times that in an open loop and look at what came back.
const stack = await startFaultStack()
afterAll(async () => { await stack.close() })

interface Target {
  name: string
  service: 'classifier' | 'prime'
  connections: number
  requests: LoadRequest[]
  /** The latency bound of a 200, given the capacity measured (requests/s). */
  bound: (capacity: number) => number
}

const photos = await loadPhotos()
const targets: Target[] = [
  {
    name: 'classify (12-photo mix) through the frontend',
    service: 'classifier',
    connections: 8,
    requests: photos.map((p) => ({ method: 'POST', path: '/api/classify', ...uploadBody(p) })),
    bound: () => CLASSIFY_BOUND_MS
  },
  {
    name: 'prime, 300-digit checks through the frontend',
    service: 'prime',
    connections: 8,
    requests: numbers300().map((n) => ({ method: 'GET', path: `/api/prime/check/${n}` })),
    // One worker: a check costs 1 / capacity seconds.
    bound: (capacity) => primeBoundMs(1000 / capacity)
  }
]

/** Where the overload's answers were not 200 or a 503 that says when to retry, as JSON. */
function badAnswers (samples: Sample[]): string[] {
  const bad = samples.filter((s) => !((s.status === 200 && s.json) || (s.status === 503 && s.json && s.retryAfter)))
  const kinds = new Map<string, number>()
  for (const s of bad) {
    const kind = s.status === 0 ? `no answer (${s.error ?? '?'})` : `${s.status}${s.json ? '' : ' not JSON'}${s.status === 503 && !s.retryAfter ? ' without Retry-After' : ''}`
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }
  return [...kinds].map(([kind, n]) => `${n} x ${kind}`)
}

let order = 60
for (const target of targets) {
  const group = new FaultGroup(`overload: ${target.name}`, order++)
  describe(group.name, () => {
    let figures: OverloadFigures | undefined
    let samples: Sample[] = []
    let problems: string[] = []

    group.case(`${OVERLOAD}x the measured capacity for ${OVERLOAD_SECONDS} s: measured`, async ({ observe }) => {
      const url = stack.url('frontend')
      await closedLoop(url, target.requests, target.connections, 2) // warm-up
      const measured = await closedLoop(url, target.requests, target.connections, CAPACITY_SECONDS)
      const capacity = measured.filter((s) => s.status === 200).length / CAPACITY_SECONDS
      expect(capacity, 'the closed loop served nothing').toBeGreaterThan(0)
      const rate = OVERLOAD * capacity
      const memory = new MemoryPeaks(() => stack.pids)
      const run = await openLoop(url, target.requests, rate, OVERLOAD_SECONDS, 512)
      // Recovery: from the end of the offered load until a normal request is answered 200 again.
      const recoveryMs = await timeTo200(async () => (await normalRequest(stack, target.service, 'frontend', 10_000)).status, SETTLE_LIMIT_MS)
      samples = await Promise.race([run.settled, new Promise<Sample[]>((resolve) => setTimeout(() => resolve(run.samples), SETTLE_LIMIT_MS))])
      const peaks = memory.stop()
      const ok = latencies(samples, 200)
      ok.forEach(observe)
      const refusals = samples.filter((s) => s.status === 503).map((s) => s.doneMs)
      const statuses: Record<string, number> = {}
      for (const s of samples) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1
      figures = {
        target: target.name,
        capacityPerSec: capacity,
        offeredPerSec: rate,
        durationSec: OVERLOAD_SECONDS,
        sent: Math.round(rate * OVERLOAD_SECONDS),
        share200: ok.length / Math.max(1, samples.length),
        p99Of200Ms: p99(ok) ?? 0,
        boundMs: target.bound(capacity),
        firstRefusalMs: refusals.length === 0 ? null : Math.min(...refusals),
        recoveryMs,
        rssPeakMiB: peaks,
        statuses
      }
      group.setOverload(figures)
      problems = badAnswers(samples)
      const lastOk = Math.max(0, ...samples.filter((s) => s.status === 200).map((s) => s.doneMs))
      group.note(`${samples.length} answers: ${Object.entries(statuses).map(([s, n]) => `${n} x ${s === '0' ? 'none' : s}`).join(', ')}; ` +
        `the last 200 ${(lastOk / 1000).toFixed(1)} s after the start`)
      expect(samples.length, 'answers missing after the overload').toBe(figures.sent)
    }, 180_000)

    group.case('every answer is a 200 or a 503 JSON with Retry-After: no 5xx of another kind, no connection dropped', async () => {
      expect(figures).toBeDefined()
      expect(problems).toEqual([])
    })
    group.case('the 200s come within the latency bound that follows from the settings (p99)', async () => {
      expect(figures).toBeDefined()
      expect(figures!.p99Of200Ms).toBeLessThanOrEqual(figures!.boundMs)
    })
    group.case(`the first 503 comes within ${FIRST_REFUSAL_BOUND_MS} ms: refused before any work`, async () => {
      expect(figures).toBeDefined()
      expect(figures!.firstRefusalMs ?? Infinity).toBeLessThanOrEqual(FIRST_REFUSAL_BOUND_MS)
    })
    group.case(`a normal request is answered 200 within ${RECOVERY_BOUND_MS} ms of the overload's end`, async () => {
      expect(figures).toBeDefined()
      expect(figures!.recoveryMs ?? Infinity).toBeLessThanOrEqual(RECOVERY_BOUND_MS)
    })
    group.case('every service stays under its memory limit (compose.yaml)', async () => {
      expect(figures).toBeDefined()
      for (const [service, peak] of Object.entries(figures!.rssPeakMiB)) expect(peak, service).toBeLessThan(memoryLimitMiB(service as 'prime'))
    })
  })
}
