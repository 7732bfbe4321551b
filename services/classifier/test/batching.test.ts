import { describe, expect, it } from 'vitest'
import type { ClassifyResponse, ErrorBody } from '../src/contract.js'
import { buildApp, classifyRaw, histogramMean } from './helpers.js'
import { photo } from './photos.js'

describe('dynamic batching through the HTTP API', () => {
  it('forms batches larger than one under 32 concurrent requests', async () => {
    const app = await buildApp({ MAX_BATCH_SIZE: '8', MAX_QUEUE_DELAY_MS: '200' })
    const image = photo('goldfish.jpg')
    const answers = await Promise.all(Array.from({ length: 32 }, async () => await classifyRaw(app, image)))
    expect(answers.map((a) => a.statusCode)).toEqual(Array(32).fill(200))
    expect(new Set(answers.map((a) => a.json<ClassifyResponse>().predictions[0]?.index))).toEqual(new Set([1]))
    const { sum, count } = await histogramMean(app, 'classifier_batch_size')
    expect(sum).toBe(32)
    expect(sum / count).toBeGreaterThan(1)
    expect((await app.inject('/metrics')).body).toMatch(/classifier_images_total\{[^}]*\} 32/)
  })

  it('spreads the queue over WORKERS sessions with the same answers', async () => {
    const app = await buildApp({ WORKERS: '2', MAX_BATCH_SIZE: '4', MAX_QUEUE_DELAY_MS: '20' })
    expect((await app.inject('/info')).json()).toMatchObject({ workers: 2, intraOpThreads: expect.any(Number) })
    const files = ['goldfish.jpg', 'daisy.jpg', 'volcano.jpg', 'airliner.jpg']
    const answers = await Promise.all([...files, ...files, ...files].map(async (file) => (await classifyRaw(app, photo(file))).json<ClassifyResponse>().predictions[0]?.label))
    expect(answers).toEqual([...Array(3)].flatMap(() => ['goldfish', 'daisy', 'volcano', 'airliner']))
  })

  it('answers 503 CLASSIFIER_QUEUE_FULL with Retry-After at once when the queue is full', async () => {
    // Batches never fill (64 > MAX_QUEUE) and wait a second, so the fourth image finds the queue full.
    const app = await buildApp({ MAX_QUEUE: '3', MAX_BATCH_SIZE: '64', MAX_QUEUE_DELAY_MS: '1000' })
    const image = photo('goldfish.jpg')
    const queued = Array.from({ length: 3 }, async () => await classifyRaw(app, image))
    while (app.classifier.batcher.depth < 3) await new Promise((resolve) => setTimeout(resolve, 5))
    const refused = await classifyRaw(app, image)
    expect(refused.statusCode).toBe(503)
    expect(refused.headers['retry-after']).toBe('1')
    expect(refused.json<ErrorBody>().error.code).toBe('CLASSIFIER_QUEUE_FULL')
    expect((await Promise.all(queued)).map((r) => r.statusCode)).toEqual([200, 200, 200])
    expect((await app.inject('/metrics')).body).toMatch(/classifier_rejected_requests_total\{reason="queue_full"[^}]*\} 1/)
  })

  it('answers 503 CLASSIFIER_TIMEOUT with the planned RETRY_AFTER_S and drops the image from the queue when it waited past REQUEST_TIMEOUT_MS', async () => {
    const app = await buildApp({ MAX_BATCH_SIZE: '64', MAX_QUEUE_DELAY_MS: '3000', REQUEST_TIMEOUT_MS: '100', RETRY_AFTER_S: '7' })
    const before = await histogramMean(app, 'classifier_batch_size')
    const res = await classifyRaw(app, photo('goldfish.jpg'))
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('7')
    expect(res.json<ErrorBody>().error.code).toBe('CLASSIFIER_TIMEOUT')
    expect(app.classifier.batcher.depth).toBe(0)
    expect(await histogramMean(app, 'classifier_batch_size')).toEqual(before)
  })

  it('keeps answering /healthz while a batch runs in the worker', async () => {
    // The batch never fills (16 < 32): the images wait together, then leave the queue as one batch of 16.
    const app = await buildApp({ MAX_BATCH_SIZE: '32', MAX_QUEUE_DELAY_MS: '300' })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const image = photo('giant-panda.jpg').toString('base64')
    const state = { done: false }
    const infer = app.inject({
      method: 'POST',
      url: '/v2/models/mobilenetv2-12-int8/infer',
      payload: { inputs: [{ name: 'input', datatype: 'BYTES', shape: [16], data: Array(16).fill(image) }] }
    }).finally(() => { state.done = true })
    // Queued, then gone to the worker: probe until the batch is back.
    while (!state.done && app.classifier.batcher.depth === 0) await new Promise((resolve) => setImmediate(resolve))
    while (!state.done && app.classifier.batcher.depth > 0) await new Promise((resolve) => setImmediate(resolve))
    let answered = 0
    while (!state.done) {
      const res = await fetch(`${url}/healthz`)
      if (!state.done && res.status === 200) answered++
    }
    expect((await infer).statusCode).toBe(200)
    expect(await histogramMean(app, 'classifier_batch_size')).toEqual({ sum: 16, count: 1 })
    expect(answered).toBeGreaterThan(3)
  })
})

describe('shutdown', () => {
  it('drains queued requests before closing', async () => {
    const app = await buildApp({ MAX_BATCH_SIZE: '16', MAX_QUEUE_DELAY_MS: '500' })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const image = new Uint8Array(photo('siamese-cat.jpg'))
    const pending = Array.from({ length: 6 }, async () => {
      const res = await fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: image })
      return { status: res.status, body: await res.json() as ClassifyResponse }
    })
    while (app.classifier.batcher.depth < 6) await new Promise((resolve) => setTimeout(resolve, 5))
    await app.close()
    const answers = await Promise.all(pending)
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200))
    expect(answers.every((a) => a.body.predictions[0]?.label === 'Siamese cat')).toBe(true)
  })
})
