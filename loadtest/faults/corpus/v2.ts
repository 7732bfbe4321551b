import { hostileCases } from '@inference-stack/test-assets'
import type { Case, Expectation } from '../lib/cases.js'
import { SETTINGS } from '../lib/settings.js'
import { corpusImages } from './images.js'

/** The model the classifier serves, as its v2 metadata names it. */
export interface V2Model { name: string, inputName: string }

const refused = (status: number): Expectation => ({ status, shape: 'v2' })
const inferred: Expectation = {
  status: 200,
  shape: 'ok',
  check: (body) => Array.isArray((body as { outputs?: unknown }).outputs) ? undefined : 'no outputs'
}

/** Deeply nested JSON arrays: `[[[...[0]...]]]`. */
const nested = (depth: number): string => '['.repeat(depth) + '0' + ']'.repeat(depth)

/**
 * KServe v2 infer bodies: broken and hostile JSON, tensors of the wrong type or shape, images that
 * must be refused as on POST /classify, and bodies over the route's own limit (MAX_INFER_BYTES).
 * Errors keep the protocol's `{"error": "..."}` shape.
 */
export async function v2Cases (model: V2Model): Promise<Case[]> {
  const img = await corpusImages()
  const path = `/v2/models/${model.name}/infer`
  const json = (name: string, body: unknown, expect: Expectation, extra: Partial<Case> = {}): Case => ({
    name: `v2: ${name}`,
    service: 'classifier',
    method: 'POST',
    path,
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    expect,
    ...extra
  })
  const bytes = (images: Buffer[]) => ({ inputs: [{ name: model.inputName, shape: [images.length], datatype: 'BYTES', data: images.map((i) => i.toString('base64')) }] })
  const avif40mp = (await hostileCases()).find((h) => h.name.startsWith('an AVIF declaring 40 MP'))
  if (avif40mp === undefined) throw new Error('the hostile cases have no 40 MP AVIF')
  const overLimit = Buffer.alloc(SETTINGS.classifier.MAX_INFER_BYTES + 1, 0x20)
  overLimit.write('{"inputs":[]}', 0)
  return [
    json('a JPEG as a BYTES input', bytes([img.jpeg]), inferred),
    json('broken JSON', '{"inputs": [', refused(400)),
    json('an empty body', '', refused(400)),
    json('JSON nested 100,000 levels deep', nested(100_000), refused(400)),
    json('a tensor nested 10,000 levels deep', `{"inputs":[{"name":"${model.inputName}","shape":[1],"datatype":"FP32","data":${nested(10_000)}}]}`, refused(400)),
    json('no inputs', { inputs: [] }, refused(400)),
    json('inputs that are not an array', { inputs: 'x' }, refused(400)),
    json('an unknown input name', { inputs: [{ name: 'nope', shape: [1], datatype: 'BYTES', data: [img.jpeg.toString('base64')] }] }, refused(400)),
    json('an INT64 tensor', { inputs: [{ name: model.inputName, shape: [1, 3, 224, 224], datatype: 'INT64', data: [1] }] }, refused(400)),
    json('an FP32 tensor of the wrong shape', { inputs: [{ name: model.inputName, shape: [1, 3, 10, 10], datatype: 'FP32', data: new Array(300).fill(0) }] }, refused(400)),
    json('an FP32 tensor with fewer values than its shape', { inputs: [{ name: model.inputName, shape: [1, 3, 224, 224], datatype: 'FP32', data: [0, 1, 2] }] }, refused(400)),
    json('an FP32 tensor declaring a batch of a million', { inputs: [{ name: model.inputName, shape: [1_000_000, 3, 224, 224], datatype: 'FP32', data: [0] }] }, refused(400)),
    json('an FP32 tensor with strings for numbers', { inputs: [{ name: model.inputName, shape: [1, 3, 224, 224], datatype: 'FP32', data: new Array(3 * 224 * 224).fill('NaN') }] }, refused(400)),
    json('a BYTES input that is not base64', { inputs: [{ name: model.inputName, shape: [1], datatype: 'BYTES', data: ['%%% not base64 %%%'] }] }, refused(400)),
    json('a BYTES input holding SVG', bytes([Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"/>')]), refused(415)),
    json('a BYTES input holding an AVIF that declares 40 MP', bytes([avif40mp.body]), refused(413)),
    json('a BYTES input holding a truncated PNG', bytes([img.png.subarray(0, 1000)]), refused(400)),
    json('a classification of 5000 classes', { ...bytes([img.jpeg]), outputs: [{ name: 'x', parameters: { classification: 5000 } }] }, refused(400)),
    // Its inputs only under __proto__: a parser that let them through to the prototype would classify it.
    json('inputs only under a __proto__ member', `{"__proto__":{"inputs":[{"name":"${model.inputName}","shape":[1],"datatype":"BYTES","data":["${img.jpeg.toString('base64')}"]}]}}`, refused(400)),
    { ...json('an unknown model', bytes([img.jpeg]), refused(404)), path: '/v2/models/no-such-model/infer' },
    // fastify reads text/plain as a string, which is no v2 request object.
    json('a text/plain body', bytes([img.jpeg]), refused(400), { headers: [['Content-Type', 'text/plain']] }),
    json('an octet-stream body', bytes([img.jpeg]), refused(415), { headers: [['Content-Type', 'application/octet-stream']] }),
    json('a body over MAX_INFER_BYTES (Content-Length, Expect: 100-continue)', overLimit, { ...refused(413), noContinue: true }, { framing: 'expect' }),
    json('a chunked body over MAX_INFER_BYTES', overLimit, refused(413), { framing: 'chunked' })
  ]
}
