import { describe, expect, it } from 'vitest'
import type { ClassifyResponse } from '../src/contract.js'
import { buildApp, classifyRaw } from './helpers.js'
import { EXPECTED, photo } from './photos.js'

const CONTENT_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.png': 'image/png' }

describe('POST /classify', () => {
  it('classifies every test photo with its expected class at top-1', async () => {
    const app = await buildApp()
    for (const [file, expected] of Object.entries(EXPECTED)) {
      const res = await classifyRaw(app, photo(file), CONTENT_TYPES[file.slice(file.lastIndexOf('.'))])
      expect(res.statusCode, file).toBe(200)
      const body = res.json<ClassifyResponse>()
      const accept = expected.accept ?? [expected.index]
      expect(accept, `${file}: got ${body.predictions[0]?.label}`).toContain(body.predictions[0]?.index)
    }
  })

  it('answers with the model, five predictions in descending probability and the timings', async () => {
    const app = await buildApp()
    const body = (await classifyRaw(app, photo('goldfish.jpg'))).json<ClassifyResponse>()
    expect(body.model).toBe('mobilenetv2-12-int8')
    expect(body.predictions).toHaveLength(5)
    expect(body.predictions[0]).toMatchObject({ index: 1, label: 'goldfish' })
    const probabilities = body.predictions.map((p) => p.probability)
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a))
    expect(probabilities[0]).toBeGreaterThan(0.9)
    expect(Object.keys(body.timings_ms).sort()).toEqual(['decode', 'decode_wait', 'inference', 'queue', 'total'])
  })

  it('refuses topk that is not a finite number in range (Infinity, 1e400, NaN, -1, 1.5, empty, hex, padded) with 400 naming the parameter', async () => {
    const app = await buildApp()
    for (const topk of ['Infinity', '1e400', 'NaN', '-1', '1.5', '', '0x3', ' 3']) {
      const res = await classifyRaw(app, photo('goldfish.jpg'), 'image/jpeg', `?topk=${encodeURIComponent(topk)}`)
      expect([topk, res.statusCode]).toEqual([topk, 400])
      expect(res.json().error).toMatchObject({ code: 'CLASSIFIER_BAD_REQUEST', message: expect.stringMatching(/^querystring\.topk /) })
    }
  })

  it('returns topk predictions when asked and refuses topk outside 1-20', async () => {
    const app = await buildApp()
    const two = await classifyRaw(app, photo('goldfish.jpg'), 'image/jpeg', '?topk=2')
    expect(two.json<ClassifyResponse>().predictions).toHaveLength(2)
    for (const topk of ['0', '21', 'many']) {
      const res = await classifyRaw(app, photo('goldfish.jpg'), 'image/jpeg', `?topk=${topk}`)
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('CLASSIFIER_BAD_REQUEST')
    }
  })

  it('accepts a multipart upload in the field "image" over real HTTP', async () => {
    const app = await buildApp()
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const form = new FormData()
    form.append('image', new Blob([new Uint8Array(photo('daisy.jpg'))], { type: 'image/jpeg' }), 'daisy.jpg')
    const res = await fetch(`${url}/classify?topk=3`, { method: 'POST', body: form })
    expect(res.status).toBe(200)
    const body = await res.json() as ClassifyResponse
    expect(body.predictions).toHaveLength(3)
    expect(body.predictions[0]?.label).toBe('daisy')
  })

  it('accepts an application/octet-stream body', async () => {
    const app = await buildApp()
    const res = await classifyRaw(app, photo('volcano.jpg'), 'application/octet-stream')
    expect(res.json<ClassifyResponse>().predictions[0]?.label).toBe('volcano')
  })

  it('answers the same concurrently as sequentially', async () => {
    const app = await buildApp({ MAX_QUEUE_DELAY_MS: '20' })
    const files = Object.keys(EXPECTED)
    const sequential: unknown[] = []
    for (const file of files) sequential.push((await classifyRaw(app, photo(file), 'application/octet-stream')).json<ClassifyResponse>().predictions)
    const concurrent = await Promise.all(files.map(async (file) => (await classifyRaw(app, photo(file), 'application/octet-stream')).json<ClassifyResponse>().predictions))
    // Batch composition may change float summation order in onnxruntime: compare classes exactly, probabilities closely.
    concurrent.forEach((predictions, i) => {
      const seq = sequential[i] as ClassifyResponse['predictions']
      expect(predictions.map((p) => p.index)).toEqual(seq.map((p) => p.index))
      predictions.forEach((p, j) => expect(p.probability).toBeCloseTo(seq[j]!.probability, 5))
    })
  })
})
