import { TEST_MODEL } from '@inference-stack/test-assets'
import { afterAll, describe, expect } from 'vitest'
import { startFaultStack } from './lib/fault-stack.js'
import { watchMemory } from './lib/memory-case.js'
import { FaultGroup } from './lib/report.js'
import { SETTINGS } from './lib/settings.js'

/** A service's event loop may stall this long at most while it takes large bodies (GC pauses on a busy machine included). */
const STALL_BOUND_MS = 500
/** Clients sending a large body at the same time. */
const CLIENTS = 4
const IMAGE_VALUES = 3 * 224 * 224

const stack = await startFaultStack({ services: ['classifier'] })
afterAll(async () => { await stack.close() })
const memory = watchMemory(stack)

/** Polls `url` every `everyMs` until `until` settles; the slowest answer, ms. */
async function slowestPoll (url: string, everyMs: number, until: Promise<unknown>): Promise<number> {
  const state = { done: false, slowest: 0 }
  until.finally(() => { state.done = true }).catch(() => {})
  while (!state.done) {
    const started = performance.now()
    await fetch(url).then(async (r) => await r.arrayBuffer())
    state.slowest = Math.max(state.slowest, performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return state.slowest
}

const group = new FaultGroup('large bodies and the event loop', 48)
describe(group.name, () => {
  group.case(`${CLIENTS} KServe v2 bodies near MAX_INFER_BYTES at once leave /healthz answering within ${STALL_BOUND_MS} ms`, async ({ observe }) => {
    const metadata = await (await fetch(`${stack.url('classifier')}/v2/models/${TEST_MODEL}`)).json() as { inputs: Array<{ name: string }> }
    // FP32 images written with 7 significant digits, nested [N][3][224][224] as the protocol allows: as many as fit in the limit.
    const value = '0.1234567'
    const images = Math.min(64, Math.floor(SETTINGS.classifier.MAX_INFER_BYTES * 0.9 / (IMAGE_VALUES * (value.length + 1))))
    const row = `[${new Array(224).fill(value).join(',')}]`
    const plane = `[${new Array(224).fill(row).join(',')}]`
    const image = `[${new Array(3).fill(plane).join(',')}]`
    const data = `[${new Array(images).fill(image).join(',')}]`
    const body = `{"inputs":[{"name":"${metadata.inputs[0]?.name ?? 'input'}","shape":[${images},3,224,224],"datatype":"FP32","data":${data}}]}`
    const started = performance.now()
    const infer = Promise.all(Array.from({ length: CLIENTS }, async () => {
      const res = await fetch(`${stack.url('classifier')}/v2/models/${TEST_MODEL}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      await res.arrayBuffer()
      return res.status
    }))
    const slowest = await slowestPoll(`${stack.url('classifier')}/healthz`, 20, infer)
    const statuses = await infer
    observe(performance.now() - started)
    group.note(`${CLIENTS} x ${images} FP32 images in ${(body.length / 2 ** 20).toFixed(1)} MiB of JSON: answered ${statuses.join(', ')}; /healthz at worst ${Math.round(slowest)} ms`)
    // 200, or 503 when the classifier refuses the work for now; never a 5xx of another kind.
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([])
    expect(slowest, '/healthz waited for the body to be parsed').toBeLessThanOrEqual(STALL_BOUND_MS)
  }, 120_000)
  memory.check(group)
})
