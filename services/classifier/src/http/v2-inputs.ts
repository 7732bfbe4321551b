import type { HttpError } from '@inference-stack/kit/contract'
import { CLASSIFIER_ERRORS, type V2Tensor } from '../contract.js'

/** Most images one v2 request may carry (each is queued separately). */
export const V2_MAX_BATCH = 64

const bad = (message: string): HttpError => CLASSIFIER_ERRORS.error('bad_request', message)

function flatten (data: unknown, what: string): unknown[] {
  if (!Array.isArray(data)) throw bad(`${what}: "data" must be an array`)
  return data.flat(Infinity)
}

/** An FP32 input `[N, ...itemShape]` (flat or nested `data`) split into N item tensors. */
export function fp32Items (input: V2Tensor, itemShape: number[]): Float32Array[] {
  const expected = `[N,${itemShape.join(',')}]`
  const [n, ...rest] = input.shape
  if (n === undefined || n < 1 || n > V2_MAX_BATCH || rest.length !== itemShape.length || rest.some((d, i) => d !== itemShape[i])) {
    throw bad(`input "${input.name}" has shape [${input.shape.join(',')}]; expected ${expected} with 1 <= N <= ${V2_MAX_BATCH}`)
  }
  const values = flatten(input.data, `input "${input.name}"`)
  const itemSize = itemShape.reduce((a, b) => a * b, 1)
  if (values.length !== n * itemSize) throw bad(`input "${input.name}" has ${values.length} values; shape [${input.shape.join(',')}] needs ${n * itemSize}`)
  const items: Float32Array[] = []
  for (let i = 0; i < n; i++) {
    const item = new Float32Array(itemSize)
    for (let j = 0; j < itemSize; j++) {
      const v = values[i * itemSize + j]
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`input "${input.name}" value ${i * itemSize + j} is not a finite number`)
      item[j] = v
    }
    items.push(item)
  }
  return items
}

/** A BYTES input `[N]` (or `[N,1]`) of base64-encoded images, decoded to buffers. */
export function encodedImages (input: V2Tensor): Buffer[] {
  const [n, ...rest] = input.shape
  if (n === undefined || n < 1 || n > V2_MAX_BATCH || rest.some((d) => d !== 1)) {
    throw bad(`input "${input.name}" has shape [${input.shape.join(',')}]; a BYTES input takes [N] base64-encoded images with 1 <= N <= ${V2_MAX_BATCH}`)
  }
  const values = flatten(input.data, `input "${input.name}"`)
  if (values.length !== n) throw bad(`input "${input.name}" has ${values.length} elements; shape [${input.shape.join(',')}] needs ${n}`)
  return values.map((v, i) => {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw bad(`input "${input.name}" element ${i} is not a base64 string`)
    return Buffer.from(v, 'base64')
  })
}
