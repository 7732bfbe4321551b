import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { testImagesDir } from '@inference-stack/test-assets'
import { afterAll, describe, expect } from 'vitest'
import { publicPath, type Via } from './lib/cases.js'
import { startFaultStack } from './lib/fault-stack.js'
import { scrape, total } from './lib/metrics.js'
import { watchMemory } from './lib/memory-case.js'
import { FaultGroup } from './lib/report.js'
import { MACHINE_MARGIN_MS, SETTINGS } from './lib/settings.js'

/** 2^3217 - 1, a Mersenne prime of 969 digits: within PRIME_MAX_DIGITS, and a check of a few hundred ms. */
const BIG_PRIME = (2n ** 3217n - 1n).toString()
const ABANDONED = 24
const LEAVE_AFTER_MS = 100

const stack = await startFaultStack()
afterAll(async () => { await stack.close() })
const memory = watchMemory(stack)

/** Sends a request and leaves (closes the connection) after `ms`, as a client that timed out does. */
async function leaveAfter (url: string, init: RequestInit, ms: number): Promise<void> {
  await fetch(url, { ...init, signal: AbortSignal.timeout(ms) }).then(async (r) => await r.arrayBuffer(), () => undefined)
}

/** Polls until the service has nothing queued or running (its gauges), or `limitMs` passed. */
async function idle (url: string, gauges: RegExp, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs
  while (Date.now() < deadline) {
    if (total(await scrape(url), gauges) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const group = new FaultGroup('work whose client left', 45)
describe(group.name, () => {
  for (const via of ['direct', 'frontend'] as Via[]) {
    group.case(`prime: ${ABANDONED} big checks whose clients left after ${LEAVE_AFTER_MS} ms are dropped, not decided (${via})`, async ({ observe }) => {
      const prime = stack.url('prime')
      const base = via === 'frontend' ? stack.url('frontend') : prime
      const path = via === 'frontend' ? publicPath('prime', `/check/${BIG_PRIME}`) : `/check/${BIG_PRIME}`
      const t0 = performance.now()
      const single = await fetch(`${base}${path}`)
      expect(single.status).toBe(200)
      await single.arrayBuffer()
      const checkMs = performance.now() - t0
      const before = total(await scrape(prime), /^prime_checks_total\{.*where="pool"/)
      await Promise.all(Array.from({ length: ABANDONED }, async () => await leaveAfter(`${base}${path}`, {}, LEAVE_AFTER_MS)))
      const started = performance.now()
      const next = await fetch(`${base}${path}`)
      await next.arrayBuffer()
      const nextMs = performance.now() - started
      observe(nextMs)
      await idle(prime, /^prime_(queue_depth|workers_busy)\{/, ABANDONED * checkMs + 10_000)
      const decided = total(await scrape(prime), /^prime_checks_total\{.*where="pool"/) - before - 1
      group.note(`prime decided ${decided} of ${ABANDONED} abandoned checks (${via}); one check ${Math.round(checkMs)} ms`)
      expect(next.status).toBe(200)
      // What was running when its client left may finish; nothing queued behind it should.
      expect(decided, 'abandoned checks decided anyway').toBeLessThanOrEqual(2 * SETTINGS.prime.PRIME_WORKERS)
      expect(nextMs, 'the next check waited behind abandoned ones').toBeLessThanOrEqual(3 * checkMs + MACHINE_MARGIN_MS)
    }, 120_000)

    group.case(`classifier: ${ABANDONED} large photos whose clients left after ${LEAVE_AFTER_MS} ms are not classified (${via})`, async ({ observe }) => {
      const classifier = stack.url('classifier')
      const photo = await readFile(join(await testImagesDir(), 'domestic-cat-5360x3560.jpg'))
      const base = via === 'frontend' ? stack.url('frontend') : classifier
      const url = `${base}${via === 'frontend' ? publicPath('classifier', '/classify') : '/classify'}`
      const init: RequestInit = { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(photo) }
      const metrics = await scrape(classifier)
      const images = total(metrics, /^classifier_images_total\{/)
      const decodes = total(metrics, /^classifier_preprocess_duration_seconds_count\{/)
      await Promise.all(Array.from({ length: ABANDONED }, async () => await leaveAfter(url, init, LEAVE_AFTER_MS)))
      const started = performance.now()
      const next = await fetch(url, init)
      await next.arrayBuffer()
      observe(performance.now() - started)
      await idle(classifier, /^classifier_queue_depth\{/, 30_000)
      await new Promise((resolve) => setTimeout(resolve, 2000))
      const after = await scrape(classifier)
      const classified = total(after, /^classifier_images_total\{/) - images - 1
      const decoded = total(after, /^classifier_preprocess_duration_seconds_count\{/) - decodes - 1
      group.note(`the classifier decoded ${decoded} and classified ${classified} of ${ABANDONED} abandoned photos (${via})`)
      expect(next.status).toBe(200)
      expect(classified, 'abandoned photos classified anyway').toBeLessThanOrEqual(SETTINGS.classifier.MAX_BATCH_SIZE)
    }, 120_000)
  }
  memory.check(group)
})
