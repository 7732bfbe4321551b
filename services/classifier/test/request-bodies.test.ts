import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { curl } from '../../kit/test/curl.js'
import classifierApp from '../src/app.js'
import type { ErrorBody } from '../src/contract.js'
import { INLINE_DECODE_BYTES, InferBodyParser } from '../src/http/v2-body.js'
import { buildApp, testConfig } from './helpers.js'
import { photo } from './photos.js'

const MODEL = 'mobilenetv2-12-int8'
const INFER = `/v2/models/${MODEL}/infer`
const GOLDFISH = photo('goldfish.jpg') // 36,973 bytes

/** A multipart body with one file part, written out by hand so it can be broken on purpose. */
function multipart (boundary: string, file: Buffer, { close = true } = {}): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="goldfish.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    Buffer.from(close ? `\r\n--${boundary}--\r\n` : '')
  ])
}

/** An FP32 input nested `depth` levels deep: [[[...[0]...]]]. */
const nested = (depth: number) => '['.repeat(depth) + '0' + ']'.repeat(depth)

async function listening (env: Record<string, string> = {}): Promise<string> {
  const app = Fastify()
  await app.register(classifierApp, { config: testConfig(env) })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => app.close())
  await app.classifier.warmedUp
  return url
}

describe('request bodies the classifier refuses', () => {
  it('answers malformed multipart with 400: no boundary, another boundary, cut short', async () => {
    const app = await buildApp()
    const cases: Array<[string, string, Buffer]> = [
      ['no boundary', 'multipart/form-data', multipart('XYZ', GOLDFISH)],
      ['another boundary', 'multipart/form-data; boundary=ABC', multipart('XYZ', GOLDFISH)],
      ['cut short', 'multipart/form-data; boundary=XYZ', multipart('XYZ', GOLDFISH.subarray(0, 2000), { close: false })],
      ['cut in the part headers', 'multipart/form-data; boundary=XYZ', Buffer.from('--XYZ\r\nContent-Disposition: form-da')]
    ]
    for (const [what, type, payload] of cases) {
      const res = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': type }, payload })
      expect(res.statusCode, what).toBe(400)
      expect(res.json<ErrorBody>().error.code, what).toBe('CLASSIFIER_BAD_MULTIPART')
    }
    const good = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, payload: multipart('XYZ', GOLDFISH) })
    expect(good.statusCode).toBe(200)
  })

  it('answers a multipart file over MAX_IMAGE_BYTES with 413, never the first MAX_IMAGE_BYTES of it classified', async () => {
    const app = await buildApp({ MAX_IMAGE_BYTES: String(GOLDFISH.length - 1) })
    const res = await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, payload: multipart('XYZ', GOLDFISH) })
    expect(res.statusCode).toBe(413)
    expect(res.json<ErrorBody>().error.code).toBe('CLASSIFIER_IMAGE_TOO_LARGE')
  })

  it('answers chunked bodies over their limit with 413 JSON: a multipart upload and a v2 infer body (curl)', async () => {
    const url = await listening({ MAX_IMAGE_BYTES: '20000', MAX_INFER_BYTES: '40000' })
    const dir = await mkdtemp(join(tmpdir(), 'classifier-bodies-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    await writeFile(join(dir, 'goldfish.jpg'), GOLDFISH)
    await writeFile(join(dir, 'infer.json'), JSON.stringify({ inputs: [{ name: 'input', shape: [1], datatype: 'BYTES', data: [GOLDFISH.toString('base64')] }] }))
    const chunked = ['-H', 'transfer-encoding: chunked']

    const form = await curl(`${url}/classify`, '-F', `image=@${join(dir, 'goldfish.jpg')}`, ...chunked)
    expect(form.status).toBe(413)
    expect(form.json<ErrorBody>().error.code).toBe('CLASSIFIER_IMAGE_TOO_LARGE')

    const infer = await curl(`${url}${INFER}`, '--data-binary', `@${join(dir, 'infer.json')}`, '-H', 'content-type: application/json', ...chunked)
    expect(infer.status).toBe(413)
    expect(infer.json<{ error: string }>().error).toBe('the infer request body is over 40000 bytes (MAX_INFER_BYTES), the limit for POST /v2/models/:name/infer')
    const declared = await curl(`${url}${INFER}`, '--data-binary', `@${join(dir, 'infer.json')}`, '-H', 'content-type: application/json', '-H', 'Expect: 100-continue')
    expect([declared.status, declared.uploaded]).toEqual([413, 0])
  })

  it('answers v2 bodies nested deeper than their shape, or a million levels deep, and broken JSON with 400', async () => {
    const app = await buildApp()
    const input = (shape: string, data: string) => `{"inputs":[{"name":"input","datatype":"FP32","shape":${shape},"data":${data}}]}`
    const cases: Array<[string, string, string]> = [
      ['deeper than the shape', input('[1,3,224,224]', nested(5)), 'nested deeper than its shape has dimensions (4)'],
      ['a million levels', input('[1,3,224,224]', nested(1_000_000)), 'more than 64 levels deep'],
      ['a million levels elsewhere', `{"inputs":[{"name":"input","datatype":"FP32","shape":[1],"data":[0]}],"parameters":{"x":${nested(1_000_000)}}}`, 'more than 64 levels deep'],
      ['brackets in a string', `{"inputs":[{"name":"${'['.repeat(100)}","datatype":"FP32","shape":[1],"data":[0]}]}`, 'unknown input'],
      ['broken JSON', '{"inputs":[', 'not valid JSON']
    ]
    for (const [what, payload, message] of cases) {
      const res = await app.inject({ method: 'POST', url: INFER, headers: { 'content-type': 'application/json' }, payload })
      expect(res.statusCode, what).toBe(400)
      expect(res.json<{ error: string }>().error, what).toContain(message)
    }
  })

  it('decodes a large v2 body in a worker thread: the event loop keeps turning meanwhile', async () => {
    const parser = new InferBodyParser(64 * 1024 * 1024)
    onTestFinished(() => parser.close())
    const values = Array.from({ length: 3 * 224 * 224 }, (_, i) => (i % 1000) / 997)
    const body = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [8, 3, 224, 224], data: Array(8).fill(values) }] }))
    expect(body.length).toBeGreaterThan(INLINE_DECODE_BYTES)

    let turns = 0
    const ticker = setInterval(() => { turns++ }, 1)
    const decoded = await parser.decode(body) as { inputs: Array<{ data: Float32Array }> }
    clearInterval(ticker)
    const data = decoded.inputs[0]!.data
    expect(data).toBeInstanceOf(Float32Array)
    expect(data.length).toBe(8 * values.length)
    expect(data[values.length + 997]).toBeCloseTo(997 / 997)
    // Parsed on this thread, the whole decode would have been one turn.
    expect(turns).toBeGreaterThan(1)
  })
})
