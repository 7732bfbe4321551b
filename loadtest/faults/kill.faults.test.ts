import { afterAll, describe, expect, onTestFinished } from 'vitest'
import { startFaultStack } from './lib/fault-stack.js'
import { Inspector, type InspectedWorker } from './lib/inspector.js'
import { scrape } from './lib/metrics.js'
import { normalRequest, type NormalAnswer } from './lib/normal.js'
import { watchMemory } from './lib/memory-case.js'
import { FaultGroup } from './lib/report.js'
import { CLASSIFY_BOUND_MS, MACHINE_MARGIN_MS, SETTINGS } from './lib/settings.js'

/** The onnxruntime worker thread's script. */
const SESSION_WORKER = /session-worker/
/** A dead worker is replaced, and the classifier serves again, within this long. */
const HEAL_BOUND_MS = 10_000

// The classifier runs with its inspector open on 127.0.0.1: the suite reaches the onnxruntime
// worker thread through it and ends that thread with an uncaught error, as a crash would.
const stack = await startFaultStack({ inspectClassifier: true })
let inspector = await Inspector.connect(stack.inspectorPort as number)
afterAll(async () => {
  inspector.close()
  await stack.close()
})
const memory = watchMemory(stack)

async function restartClassifier (): Promise<void> {
  inspector.close()
  await stack.restart('classifier')
  inspector = await Inspector.connect(stack.inspectorPort as number)
}

/** The classifier's onnxruntime worker; when a kill left none, the classifier is started again first. */
async function liveWorker (): Promise<InspectedWorker> {
  const found = await inspector.waitForWorker(SESSION_WORKER, 1000)
  if (found !== undefined) return found
  await restartClassifier()
  const fresh = await inspector.waitForWorker(SESSION_WORKER, 5000)
  if (fresh === undefined) throw new Error('the classifier has no onnxruntime worker thread')
  return fresh
}

/** After a worker kill, the next case finds a classifier that serves: started again if it does not. */
async function healthyClassifier (): Promise<void> {
  if ((await normalRequest(stack, 'classifier', 'direct')).status !== 200) await restartClassifier()
}

/** A closed loop of normal requests until `stop()`: each answer kept with when it came. */
function traffic (service: 'prime' | 'classifier', connections: number): { stop: () => Promise<Array<NormalAnswer & { at: number }>> } {
  const answers: Array<NormalAnswer & { at: number }> = []
  const state = { running: true }
  const loops = Array.from({ length: connections }, async () => {
    while (state.running) answers.push({ ...await normalRequest(stack, service, 'frontend', 30_000), at: performance.now() })
  })
  return { stop: async () => { state.running = false; await Promise.all(loops); return answers } }
}

/**
 * The answers that are not acceptable during a fault, counted by kind: acceptable are a 200, and a
 * 502/503/504 JSON error (a 503 with Retry-After).
 */
function unacceptable (answers: NormalAnswer[]): string[] {
  const kinds = new Map<string, number>()
  for (const a of answers) {
    if (a.status === 200) continue
    let code: unknown
    try { code = (JSON.parse(a.body) as { error?: { code?: unknown } }).error?.code } catch { code = undefined }
    const fine = typeof code === 'string' && (a.status === 503 ? a.headers.get('retry-after') !== null : a.status === 502 || a.status === 504)
    if (fine) continue
    const kind = `${a.status} ${typeof code === 'string' ? code : a.body.slice(0, 120)}`
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }
  return [...kinds].map(([kind, n]) => `${n} x ${kind}`)
}

const workers = new FaultGroup('inference worker killed', 50)
describe(workers.name, () => {
  workers.case('a worker that dies is replaced: no 500, /readyz never green while classify fails, served again within 10 s', async ({ observe }) => {
    await inspector.crash(await liveWorker())
    onTestFinished(healthyClassifier)
    const seen: string[] = []
    const started = performance.now()
    let healedMs: number | undefined
    while (performance.now() - started < HEAL_BOUND_MS + MACHINE_MARGIN_MS) {
      const ready = await fetch(`${stack.url('classifier')}/readyz`).then((r) => r.status)
      const answer = await normalRequest(stack, 'classifier', 'direct')
      observe(answer.ms)
      seen.push(`readyz ${ready}, classify ${answer.status}`)
      expect(answer.status, `classify after the worker died: ${answer.body.slice(0, 200)}`).not.toBe(500)
      if (ready === 200) expect(answer.status, 'readyz said ready, classify failed').toBe(200)
      if (answer.status === 200) { healedMs = performance.now() - started; break }
      expect(unacceptable([answer])).toEqual([])
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    workers.note(`after the kill: ${[...new Set(seen)].join('; ')}`)
    expect(healedMs, 'never served again').toBeDefined()
    expect(await inspector.waitForWorker(SESSION_WORKER, 1000), 'no replacement worker thread').toBeDefined()
  }, 60_000)

  workers.case('a worker killed under load fails only its batch, with 503, and the dead worker is counted in the metrics', async ({ observe }) => {
    const worker = await liveWorker()
    const load = traffic('classifier', 8)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const killedAt = performance.now()
    await inspector.crash(worker)
    onTestFinished(healthyClassifier)
    await new Promise((resolve) => setTimeout(resolve, HEAL_BOUND_MS))
    const answers = await load.stop()
    answers.forEach((a) => observe(a.ms))
    const after = answers.filter((a) => a.at > killedAt)
    const failed = after.filter((a) => a.status !== 200)
    workers.note(`under load: ${after.length} answers after the kill, ${failed.length} not 200 (${[...new Set(failed.map((a) => a.status))].join(', ') || 'none'})`)
    expect(unacceptable(after)).toEqual([])
    expect(failed.length, 'more failed than the batch in flight').toBeLessThanOrEqual(SETTINGS.classifier.MAX_BATCH_SIZE)
    expect(after.filter((a) => a.status === 200).length, 'nothing served after the kill').toBeGreaterThan(0)
    const metrics = [...(await scrape(stack.url('classifier'))).entries()]
    const counted = metrics.filter(([name, value]) => /worker/i.test(name) && /restart|replace|fail|crash|died|death|exit/i.test(name) && value > 0)
    expect(counted.map(([name]) => name), 'no metric counts the dead workers').not.toEqual([])
  }, 60_000)
})

const backends = new FaultGroup('backend killed and restarted', 51)
describe(backends.name, () => {
  for (const service of ['prime', 'classifier'] as const) {
    backends.case(`kill -9 ${service} under traffic: 503 JSON with Retry-After meanwhile, /readyz red, 200 again once it is back`, async ({ observe }) => {
      const load = traffic(service, 4)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const killedAt = performance.now()
      process.kill(stack.pids[service] as number, 'SIGKILL')
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const ready = await fetch(`${stack.url('frontend')}/readyz`).then((r) => r.status)
      const down = await normalRequest(stack, service, 'frontend')
      await stack.restart(service)
      const back = performance.now()
      let recoveredMs: number | undefined
      while (performance.now() - back < MACHINE_MARGIN_MS * 2) {
        if ((await normalRequest(stack, service, 'frontend')).status === 200) { recoveredMs = performance.now() - back; break }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const answers = await load.stop()
      answers.forEach((a) => observe(a.ms))
      const during = answers.filter((a) => a.at > killedAt)
      backends.note(`${service}: ${during.length} answers from the kill to the restart: ${summarize(during)}; 200 again ${recoveredMs === undefined ? 'never' : `${Math.round(recoveredMs)} ms`} after it was ready`)
      expect(down.status, `while ${service} is down: ${down.body.slice(0, 200)}`).toBe(503)
      expect(JSON.parse(down.body).error?.code).toBe('FRONTEND_UPSTREAM_UNAVAILABLE')
      expect(down.headers.get('retry-after')).not.toBeNull()
      expect(ready, '/readyz while a backend is down').toBe(503)
      expect(unacceptable(during)).toEqual([])
      const slowest = Math.max(...during.map((a) => a.ms))
      expect(slowest, 'an answer hung while the backend was down').toBeLessThanOrEqual(service === 'prime' ? SETTINGS.frontend.PRIME_TIMEOUT_MS + MACHINE_MARGIN_MS : CLASSIFY_BOUND_MS)
      expect(recoveredMs, 'not served again after the restart').toBeDefined()
      expect(await fetch(`${stack.url('frontend')}/readyz`).then((r) => r.status)).toBe(200)
    }, 120_000)
  }
  memory.check(backends)
})

function summarize (answers: NormalAnswer[]): string {
  const counts = new Map<number, number>()
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1)
  return [...counts].map(([s, n]) => `${n} x ${s === 0 ? 'none' : s}`).join(', ')
}
