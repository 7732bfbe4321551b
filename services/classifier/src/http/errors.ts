import { WorkerPoolError } from '@inference-stack/kit'
import type { HttpError } from '@inference-stack/kit/contract'
import { CLASSIFIER_ERRORS, type ClassifierErrorKind } from '../contract.js'
import { AdmissionError } from '../lib/admission.js'
import { BatcherError } from '../lib/batcher.js'
import { ImageError, type ImageProblem } from '../lib/preprocess.js'

/** Each way preprocessing refuses an image, as an entry of the error table. */
const IMAGE_ERRORS: Record<ImageProblem, ClassifierErrorKind> = {
  bad_image: 'bad_image',
  too_large: 'image_too_large',
  unsupported: 'unsupported_image'
}

/** Each way decode admission refuses an image or stops waiting for it. */
const ADMISSION_ERRORS: Record<AdmissionError['kind'], ClassifierErrorKind> = {
  queue_full: 'queue_full',
  timeout: 'timeout',
  cancelled: 'client_gone'
}

/** Each way the batcher fails a request; `failed` depends on why the batch failed (below). */
const BATCHER_ERRORS: Record<Exclude<BatcherError['kind'], 'failed'>, ClassifierErrorKind> = {
  queue_full: 'queue_full',
  timeout: 'timeout',
  closed: 'shutting_down',
  cancelled: 'client_gone'
}

/** A failed batch: its worker died, or its run threw (a CUDA error, say); anything else is a bug (500). */
function failedBatch (err: BatcherError): ClassifierErrorKind | undefined {
  const cause = err.cause
  if (!(cause instanceof WorkerPoolError)) return undefined
  if (cause.kind === 'worker_failed') return 'worker_failed'
  if (cause.kind === 'task_failed') return 'inference_failed'
  return undefined
}

function kindOf (err: unknown): ClassifierErrorKind | undefined {
  if (err instanceof ImageError) return IMAGE_ERRORS[err.kind]
  if (err instanceof AdmissionError) return ADMISSION_ERRORS[err.kind]
  if (err instanceof BatcherError) return err.kind === 'failed' ? failedBatch(err) : BATCHER_ERRORS[err.kind]
  return undefined
}

/**
 * The error answer a domain error stands for (its cause kept, and its estimate of when to retry),
 * or undefined for an error that is no refusal (the kit's handler answers those 500 and logs them).
 */
export function toHttpError (err: unknown): HttpError | undefined {
  const kind = kindOf(err)
  if (kind === undefined) return undefined
  const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs
  const message = kind === 'worker_failed' ? `${(err as Error).message}; a new worker is being started, retry shortly` : (err as Error).message
  return CLASSIFIER_ERRORS.error(kind, message, { cause: err, retryAfterMs })
}

export const tooLarge = (limit: number): HttpError =>
  CLASSIFIER_ERRORS.error('body_too_large', `the upload is larger than ${limit} bytes (MAX_IMAGE_BYTES)`)

export const missingImage = (): HttpError =>
  CLASSIFIER_ERRORS.error('missing_image', 'no image: send multipart/form-data with a file field "image", or the image bytes as the body with an image/* content type')

export const badMultipart = (reason: string): HttpError =>
  CLASSIFIER_ERRORS.error('bad_multipart', `the multipart/form-data body cannot be read (${reason}); send a file field "image" with the boundary named in Content-Type`)

export const unsupportedMediaType = (type: string): HttpError =>
  CLASSIFIER_ERRORS.error('unsupported_media_type', `content type "${type}" is not accepted; send multipart/form-data with a file field "image", or an image/* or application/octet-stream body`)
