import type { HttpError } from '@inference-stack/kit/contract'
import { CLASSIFIER_ERRORS, type ClassifierErrorKind } from '../contract.js'
import { BatcherError } from '../lib/batcher.js'
import { ImageError, type ImageProblem } from '../lib/preprocess.js'

/** Each way preprocessing refuses an image, as an entry of the error table. */
const IMAGE_ERRORS: Record<ImageProblem, ClassifierErrorKind> = {
  bad_image: 'bad_image',
  too_large: 'image_too_large',
  unsupported: 'unsupported_image'
}

/** Each way the batcher fails a request; `failed` (the inference itself broke) is no refusal but a 500. */
const BATCHER_ERRORS: Record<BatcherError['kind'], ClassifierErrorKind | undefined> = {
  queue_full: 'queue_full',
  timeout: 'timeout',
  closed: 'shutting_down',
  failed: undefined
}

/**
 * The error answer a domain error stands for (its cause kept), or undefined for an error that is
 * no refusal (the kit's handler answers those 500 and logs them).
 */
export function toHttpError (err: unknown): HttpError | undefined {
  const kind = err instanceof ImageError ? IMAGE_ERRORS[err.kind] : err instanceof BatcherError ? BATCHER_ERRORS[err.kind] : undefined
  return kind === undefined ? undefined : CLASSIFIER_ERRORS.error(kind, (err as Error).message, { cause: err })
}

export const tooLarge = (limit: number): HttpError =>
  CLASSIFIER_ERRORS.error('body_too_large', `the upload is larger than ${limit} bytes (MAX_IMAGE_BYTES)`)

export const missingImage = (): HttpError =>
  CLASSIFIER_ERRORS.error('missing_image', 'no image: send multipart/form-data with a file field "image", or the image bytes as the body with an image/* content type')

export const badMultipart = (reason: string): HttpError =>
  CLASSIFIER_ERRORS.error('bad_multipart', `the multipart/form-data body cannot be read (${reason}); send a file field "image" with the boundary named in Content-Type`)

export const unsupportedMediaType = (type: string): HttpError =>
  CLASSIFIER_ERRORS.error('unsupported_media_type', `content type "${type}" is not accepted; send multipart/form-data with a file field "image", or an image/* or application/octet-stream body`)
