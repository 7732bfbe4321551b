import type { HttpError } from '@inference-stack/kit/contract'
import { CLASSIFIER_ERRORS, type V2Tensor } from '../contract.js'

/** Most images one v2 request may carry (each is queued separately). */
export const V2_MAX_BATCH = 64

const bad = (message: string): HttpError => CLASSIFIER_ERRORS.error('bad_request', message)

/**
 * An FP32 input `[N, ...itemShape]` split into N item tensors. Its `data` arrives decoded
 * (lib/v2-decode.ts): one Float32Array of every value, flat or nested in the JSON.
 */
export function fp32Items (input: V2Tensor, itemShape: number[]): Float32Array[] {
  const expected = `[N,${itemShape.join(',')}]`
  const [n, ...rest] = input.shape
  if (n === undefined || n < 1 || n > V2_MAX_BATCH || rest.length !== itemShape.length || rest.some((d, i) => d !== itemShape[i])) {
    throw bad(`input "${input.name}" has shape [${input.shape.join(',')}]; expected ${expected} with 1 <= N <= ${V2_MAX_BATCH}`)
  }
  const values = input.data
  if (!(values instanceof Float32Array)) throw bad(`input "${input.name}": "data" must be an array of numbers`)
  const itemSize = itemShape.reduce((a, b) => a * b, 1)
  if (values.length !== n * itemSize) throw bad(`input "${input.name}" has ${values.length} values; shape [${input.shape.join(',')}] needs ${n * itemSize}`)
  return Array.from({ length: n }, (_, i) => values.slice(i * itemSize, (i + 1) * itemSize))
}

/** A BYTES input `[N]` (or `[N,1]`) of images, base64 in the JSON and decoded already (lib/v2-decode.ts). */
export function encodedImages (input: V2Tensor): Buffer[] {
  const [n, ...rest] = input.shape
  if (n === undefined || n < 1 || n > V2_MAX_BATCH || rest.some((d) => d !== 1)) {
    throw bad(`input "${input.name}" has shape [${input.shape.join(',')}]; a BYTES input takes [N] base64-encoded images with 1 <= N <= ${V2_MAX_BATCH}`)
  }
  const images = input.data
  if (!Array.isArray(images) || !images.every((image) => image instanceof Uint8Array)) throw bad(`input "${input.name}": "data" must be an array of base64 strings`)
  if (images.length !== n) throw bad(`input "${input.name}" has ${images.length} elements; shape [${input.shape.join(',')}] needs ${n}`)
  return (images as Uint8Array[]).map((image) => Buffer.from(image.buffer, image.byteOffset, image.byteLength))
}
