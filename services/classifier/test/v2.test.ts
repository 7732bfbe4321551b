import { describe, expect, it } from 'vitest'
import { getEntry } from '@inference-stack/models'
import { preprocess } from '../src/lib/preprocess.js'
import { buildApp } from './helpers.js'
import { photo } from './photos.js'

const MODEL = 'mobilenetv2-12-int8'
const spec = getEntry(MODEL).preprocessing

interface InferReply { model_name: string, model_version?: string, id?: string, outputs: Array<{ name: string, datatype: string, shape: number[], data: Array<number | string> }> }

function argmax (values: Array<number | string>, from: number, to: number): number {
  let best = from
  for (let i = from; i < to; i++) if ((values[i] as number) > (values[best] as number)) best = i
  return best - from
}

describe('Open Inference Protocol (KServe v2)', () => {
  it('answers health, model metadata and model readiness', async () => {
    const app = await buildApp()
    expect((await app.inject('/v2/health/live')).json()).toEqual({ live: true })
    expect((await app.inject('/v2/health/ready')).json()).toEqual({ ready: true })
    expect((await app.inject(`/v2/models/${MODEL}/ready`)).json()).toEqual({ name: MODEL, ready: true })
    expect((await app.inject(`/v2/models/${MODEL}`)).json()).toEqual({
      name: MODEL,
      versions: ['1'],
      platform: 'onnxruntime',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }],
      outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 1000] }]
    })
  })

  it('answers 404 with {"error"} for an unknown model', async () => {
    const app = await buildApp()
    for (const url of ['/v2/models/resnet9000', '/v2/models/resnet9000/ready', `/v2/models/${MODEL}/versions/7`]) {
      const res = await app.inject(url)
      expect(res.statusCode, url).toBe(404)
      expect(typeof res.json().error, url).toBe('string')
    }
    const infer = await app.inject({ method: 'POST', url: '/v2/models/resnet9000/infer', payload: { inputs: [{ name: 'input', datatype: 'BYTES', shape: [1], data: ['x'] }] } })
    expect(infer.statusCode).toBe(404)
    expect(infer.json().error).toContain('resnet9000')
  })

  it('runs an FP32 tensor input, flat or nested, and returns [N,1000] logits', async () => {
    const app = await buildApp()
    const goldfish = await preprocess(photo('goldfish.jpg'), spec, { maxInputPixels: 40e6 })
    const panda = await preprocess(photo('giant-panda.jpg'), spec, { maxInputPixels: 40e6 })
    const flat = [...goldfish, ...panda]
    const res = await app.inject({ method: 'POST', url: `/v2/models/${MODEL}/infer`, payload: { id: 'req-1', inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3, 224, 224], data: flat }] } })
    expect(res.statusCode).toBe(200)
    const body = res.json<InferReply>()
    expect(body).toMatchObject({ model_name: MODEL, model_version: '1', id: 'req-1' })
    const [out] = body.outputs
    expect(out).toMatchObject({ name: 'output', datatype: 'FP32', shape: [2, 1000] })
    expect(argmax(out!.data, 0, 1000)).toBe(1)
    expect(argmax(out!.data, 1000, 2000)).toBe(388)

    const nested = [[0, 1, 2].map((c) => Array.from({ length: 224 }, (_, y) => Array.from(goldfish.subarray(c * 50176 + y * 224, c * 50176 + (y + 1) * 224))))]
    const again = await app.inject({ method: 'POST', url: `/v2/models/${MODEL}/infer`, payload: { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 224, 224], data: nested }] } })
    expect(again.json<InferReply>().outputs[0]!.data).toEqual(out!.data.slice(0, 1000))
  })

  it('runs BYTES inputs of base64 images and answers the classification extension as "value:index:label"', async () => {
    const app = await buildApp()
    const data = ['zebra-cmyk.jpg', 'daisy.jpg', 'volcano.jpg'].map((f) => photo(f).toString('base64'))
    const res = await app.inject({
      method: 'POST',
      url: `/v2/models/${MODEL}/infer`,
      payload: { inputs: [{ name: 'input', datatype: 'BYTES', shape: [3], data }], outputs: [{ name: 'output', parameters: { classification: 2 } }] }
    })
    expect(res.statusCode).toBe(200)
    const [out] = res.json<InferReply>().outputs
    expect(out).toMatchObject({ name: 'output', datatype: 'BYTES', shape: [3, 2] })
    const top1 = [out!.data[0], out!.data[2], out!.data[4]].map((s) => String(s).split(':'))
    expect(top1.map((parts) => parts.slice(1).join(':'))).toEqual(['340:zebra', '985:daisy', '980:volcano'])
    for (const parts of top1) expect(Number(parts[0])).toBeGreaterThan(0.5)
  })

  it('answers 400 with {"error"} for a bad shape, bad data, a bad image or an unknown input', async () => {
    const app = await buildApp()
    const bad: Array<[string, unknown]> = [
      ['shape', { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 32, 32], data: new Array(3 * 32 * 32).fill(0) }] }],
      ['values', { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 224, 224], data: [1, 2, 3] }] }],
      ['datatype', { inputs: [{ name: 'input', datatype: 'INT64', shape: [1], data: [1] }] }],
      ['input name', { inputs: [{ name: 'pixels', datatype: 'BYTES', shape: [1], data: [photo('goldfish.jpg').toString('base64')] }] }],
      ['output name', { inputs: [{ name: 'input', datatype: 'BYTES', shape: [1], data: [photo('goldfish.jpg').toString('base64')] }], outputs: [{ name: 'probs' }] }],
      ['image', { inputs: [{ name: 'input', datatype: 'BYTES', shape: [1], data: [Buffer.from('not an image').toString('base64')] }] }],
      ['body', { instances: [1, 2, 3] }]
    ]
    for (const [what, payload] of bad) {
      const res = await app.inject({ method: 'POST', url: `/v2/models/${MODEL}/infer`, payload: payload as object })
      expect(res.statusCode, what).toBe(400)
      expect(typeof res.json().error, what).toBe('string')
    }
  })
})

describe('GET /info', () => {
  it('names the model, its checksum, input shape, the provider in use and the batch settings', async () => {
    const app = await buildApp({ MAX_BATCH_SIZE: '4', MAX_QUEUE_DELAY_MS: '7', INTRA_OP_THREADS: '1' })
    const info = (await app.inject('/info')).json()
    expect(info).toMatchObject({
      model: MODEL,
      sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
      inputShape: ['N', 3, 224, 224],
      inputName: 'input',
      outputName: 'output',
      executionProvider: 'cpu',
      intraOpThreads: 1,
      workers: 1,
      ready: true,
      batching: { maxBatchSize: 4, maxQueueDelayMs: 7, maxQueue: 64, requestTimeoutMs: 10000 }
    })
    const metrics = (await app.inject('/metrics')).body
    expect(metrics).toMatch(/classifier_model_info\{[^}]*model="mobilenetv2-12-int8"[^}]*sha256_prefix="cc028fe6cae7"[^}]*execution_provider="cpu"[^}]*\} 1/)
  })
})
