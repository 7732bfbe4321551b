import { HttpError } from '@inference-stack/kit'
import { DEFAULT_RETRY_AFTER_S } from '../config.js'
import { BatcherError } from './batcher.js'
import { ImageError } from './preprocess.js'

/**
 * Maps domain errors to the HTTP error the client sees. The routes' onError hook
 * (lib/rejections.ts) counts each refusal by reason from its code and status.
 */
export function toHttpError (err: unknown, retryAfterS = DEFAULT_RETRY_AFTER_S): HttpError | undefined {
  // Seconds a client should wait after a 503 (queue full, timeout, shutting down): the RETRY_AFTER_S setting.
  const retry = { 'retry-after': String(retryAfterS) }
  if (err instanceof ImageError) {
    if (err.kind === 'too_large') return new HttpError(413, 'CLASSIFIER_IMAGE_TOO_LARGE', err.message)
    if (err.kind === 'unsupported') return new HttpError(415, 'CLASSIFIER_UNSUPPORTED_IMAGE', err.message)
    return new HttpError(400, 'CLASSIFIER_BAD_IMAGE', err.message)
  }
  if (err instanceof BatcherError) {
    if (err.kind === 'queue_full') return new HttpError(503, 'CLASSIFIER_QUEUE_FULL', err.message, retry)
    if (err.kind === 'timeout') return new HttpError(503, 'CLASSIFIER_TIMEOUT', err.message, retry)
    if (err.kind === 'closed') return new HttpError(503, 'CLASSIFIER_SHUTTING_DOWN', err.message, retry)
  }
  return undefined
}

export const tooLarge = (limit: number): HttpError =>
  new HttpError(413, 'CLASSIFIER_IMAGE_TOO_LARGE', `the upload is larger than ${limit} bytes (MAX_IMAGE_BYTES)`)

export const missingImage = (): HttpError =>
  new HttpError(400, 'CLASSIFIER_MISSING_IMAGE', 'no image: send multipart/form-data with a file field "image", or the image bytes as the body with an image/* content type')

export const badMultipart = (reason: string): HttpError =>
  new HttpError(400, 'CLASSIFIER_BAD_MULTIPART', `the multipart/form-data body cannot be read (${reason}); send a file field "image" with the boundary named in Content-Type`)

export const unsupportedMediaType = (type: string): HttpError =>
  new HttpError(415, 'CLASSIFIER_UNSUPPORTED_MEDIA_TYPE', `content type "${type}" is not accepted; send multipart/form-data with a file field "image", or an image/* or application/octet-stream body`)
