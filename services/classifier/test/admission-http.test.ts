import { connect } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it, vi } from 'vitest'
import { curl } from '../../kit/test/curl.js'
import type { ClassifyResponse, ErrorBody } from '../src/contract.js'
import { buildApp, classifyRaw } from './helpers.js'
import { slowPngAtPixelLimit } from './near-limit.js'
import { IMAGES_DIR, photo } from './photos.js'

/** A request to /classify whose body never comes: it holds its place in admission until `end()`. */
async function stalledUpload (url: string): Promise<{ end: () => void }> {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.write('POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n\xff\xd8\xff')
  return { end: () => socket.destroy() }
}

const count = async (app: FastifyInstance, pattern: RegExp): Promise<number> =>
  (await app.inject('/metrics')).body.split('\n').filter((l) => pattern.test(l)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)

describe('decode admission over HTTP', () => {
  it('refuses at once, before the body is sent, when MAX_DECODE_QUEUE requests are inside: curl gets 503 without uploading, with Retry-After in seconds and milliseconds', async () => {
    const app = await buildApp({ MAX_DECODE_QUEUE: '1' })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    // 3.8 MB: curl sends Expect: 100-continue and waits for the 100.
    const big = join(IMAGES_DIR, 'tabby-cat.png')
    const holder = await stalledUpload(url)
    await vi.waitFor(() => expect(app.classifier.admission.requests).toBe(1))
    const refused = await curl(`${url}/classify`, '--data-binary', `@${big}`, '-H', 'content-type: image/png')
    expect([refused.status, refused.continued, refused.uploaded]).toEqual([503, false, 0])
    expect(refused.headers).toMatch(/retry-after: 1\r\n/i)
    const body = refused.json<ErrorBody>()
    expect(body.error).toMatchObject({ code: 'CLASSIFIER_QUEUE_FULL', message: expect.stringMatching(/MAX_DECODE_QUEUE=1/) })
    expect(refused.headers).toMatch(new RegExp(`retry-after-ms: ${body.error.retry_after_ms}\\r\\n`, 'i'))
    holder.end()
    await vi.waitFor(() => expect(app.classifier.admission.requests).toBe(0))
    const served = await curl(`${url}/classify`, '--data-binary', `@${big}`, '-H', 'content-type: image/png')
    expect([served.status, served.continued]).toEqual([200, true])
  })

  it('refuses an image that cannot start decoding within MAX_QUEUE_TIME_MS with 503 CLASSIFIER_TIMEOUT, without decoding it', async () => {
    const app = await buildApp({ MAX_DECODES: '1', MAX_QUEUE_TIME_MS: '100' })
    const slow = slowPngAtPixelLimit(40_000_000)
    const heavy = classifyRaw(app, await slow, 'image/png')
    await vi.waitFor(() => expect(app.classifier.admission.decoding).toBe(1), { interval: 1 })
    const started = performance.now()
    const late = await classifyRaw(app, photo('goldfish.jpg'))
    expect(performance.now() - started).toBeLessThan(1000)
    expect([late.statusCode, late.json<ErrorBody>().error.code]).toEqual([503, 'CLASSIFIER_TIMEOUT'])
    expect(late.json<ErrorBody>().error.message).toMatch(/^no decode could start within 100 ms \(MAX_QUEUE_TIME_MS\)/)
    expect(late.headers['retry-after']).toBe('1')
    expect((await heavy).statusCode).toBe(200)
    // One decode only: the heavy PNG's (the refused photo's header was read, its pixels never).
    expect(await count(app, /^classifier_preprocess_duration_seconds_count/)).toBe(1)
  })

  it('drops the images of clients that went away, from the decode queue and the batch queue: never decoded, never run', async () => {
    const app = await buildApp({ MAX_DECODES: '1', MAX_BATCH_SIZE: '64', MAX_QUEUE_DELAY_MS: '1500' })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const post = async (body: Buffer, type: string, ms: number): Promise<string> => await fetch(`${url}/classify`, {
      method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body), signal: AbortSignal.timeout(ms)
    }).then((res) => String(res.status), () => 'gave up')
    const heavy = await slowPngAtPixelLimit(40_000_000)
    // The heavy PNG holds the one decode slot; three photos wait behind it, their clients leave at 150 ms.
    const answers = await Promise.all([post(heavy, 'image/png', 150), ...[1, 2, 3].map(async () => { await sleep(20); return await post(photo('goldfish.jpg'), 'image/jpeg', 150) })])
    expect(answers).toEqual(['gave up', 'gave up', 'gave up', 'gave up'])
    await vi.waitFor(async () => expect(await count(app, /^classifier_dropped_images_total\{stage="decode_queue"/)).toBe(3))
    // The heavy image was decoded (its decode cannot be stopped), then dropped from the batch queue.
    await vi.waitFor(async () => expect(await count(app, /^classifier_dropped_images_total\{stage="batch_queue"/)).toBe(1))
    expect(app.classifier.batcher.depth).toBe(0)
    await sleep(1600)
    expect(await count(app, /^classifier_preprocess_duration_seconds_count/)).toBe(1)
    expect(await count(app, /^classifier_images_total/)).toBe(0)
  })

  it('frees the place of a request once its answer is sent', async () => {
    const app = await buildApp({ MAX_DECODE_QUEUE: '1' })
    for (let i = 0; i < 3; i++) expect((await classifyRaw(app, photo('goldfish.jpg'))).json<ClassifyResponse>().predictions[0]?.label).toBe('goldfish')
    expect(app.classifier.admission.requests).toBe(0)
  })
})
