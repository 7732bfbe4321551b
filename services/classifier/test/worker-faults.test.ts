import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { buildApp, classifyRaw } from './helpers.js'
import { photo } from './photos.js'
import { CUDA_ERROR, DIE, THROW } from './workers/faulty-session-worker.js'

const FAULTY = new URL('./workers/faulty-session-worker.ts', import.meta.url)
const ITEM = 3 * 224 * 224

/** A v2 FP32 request of one image whose first value is `first`: the faulty worker's marker. */
async function inferMarked (app: FastifyInstance, first: number) {
  const data = new Array<number>(ITEM).fill(0)
  data[0] = first
  return await app.inject({ method: 'POST', url: '/v2/models/mobilenetv2-12-int8/infer', payload: { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 224, 224], data }] } })
}

const metric = async (app: FastifyInstance, pattern: RegExp): Promise<number> => {
  const line = (await app.inject('/metrics')).body.split('\n').find((l) => pattern.test(l))
  return line === undefined ? NaN : Number(line.split(' ').at(-1))
}

describe('inference workers that fail', () => {
  it('fails the batch of a worker that dies with 503 CLASSIFIER_WORKER_FAILED, replaces and warms up the worker, and is unready while none is alive', async () => {
    const app = await buildApp({ MAX_QUEUE_DELAY_MS: '0' }, FAULTY)
    const fatal = await inferMarked(app, DIE)
    expect([fatal.statusCode, fatal.headers['retry-after'], fatal.headers['retry-after-ms']]).toEqual([503, '1', '1000'])
    expect(fatal.json().error).toBe('the onnxruntime-session worker running this task stopped (exit code 70); a new worker is being started, retry shortly')
    // The replacement takes 300 ms to start and then warms up: meanwhile no worker is alive.
    const unready = await app.inject('/readyz')
    expect([unready.statusCode, unready.json().checks.model]).toEqual([503, 'no inference worker is alive; 1 being started again'])
    expect((await app.inject('/v2/health/ready')).statusCode).toBe(503)
    // The next request waits in the batch queue for the warmed-up replacement.
    const next = await classifyRaw(app, photo('goldfish.jpg'))
    expect([next.statusCode, next.json().predictions[0].label]).toEqual([200, 'goldfish'])
    expect((await app.inject('/readyz')).statusCode).toBe(200)
    expect((await app.inject('/info')).json().workersAlive).toBe(1)
    expect(await metric(app, /^classifier_worker_restarts_total/)).toBe(1)
    expect(await metric(app, /^classifier_failed_batches_total\{cause="worker_died"/)).toBe(1)
    expect(await metric(app, /^classifier_rejected_requests_total\{reason="worker_failed"/)).toBe(1)
  })

  it('fails a batch whose run throws (a CUDA error) alone with 503 CLASSIFIER_INFERENCE_FAILED; MAX_FAILED_BATCHES in a row turn /readyz red with the error, one success green again', async () => {
    const app = await buildApp({ MAX_QUEUE_DELAY_MS: '0', MAX_FAILED_BATCHES: '2' }, FAULTY)
    const first = await inferMarked(app, THROW)
    expect([first.statusCode, first.json()]).toEqual([503, { error: CUDA_ERROR }])
    expect((await app.inject('/readyz')).statusCode).toBe(200)
    // The worker lives on: the same one serves the next request.
    expect((await classifyRaw(app, photo('daisy.jpg'))).statusCode).toBe(200)
    await inferMarked(app, THROW)
    const second = await inferMarked(app, THROW)
    expect(second.statusCode).toBe(503)
    const unready = await app.inject('/readyz')
    expect([unready.statusCode, unready.json().checks.model]).toEqual([503, `2 inference batches in a row failed (MAX_FAILED_BATCHES=2), the last with: ${CUDA_ERROR}`])
    // /classify keeps answering in JSON, with the table's code.
    expect((await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/jpeg' }, payload: photo('goldfish.jpg') })).statusCode).toBe(200)
    expect((await app.inject('/readyz')).statusCode).toBe(200)
    expect(await metric(app, /^classifier_failed_batches_total\{cause="inference_error"/)).toBe(3)
    expect(await metric(app, /^classifier_worker_restarts_total/)).toBe(0)
  })
})
