// The classifier's contract, imported as `@inference-stack/classifier/contract`: its environment,
// its route schemas and answer types, and its error table. No sharp, no onnxruntime, no fastify:
// the page imports its types, deploy its config schema.
import { ErrorTable, type ErrorSpec } from '@inference-stack/kit/contract'

export { ErrorSchema, type ErrorBody } from '@inference-stack/kit/contract'
export * from './config.js'
export * from './schemas/classify.js'
export * from './schemas/v2.js'

/** An upload over MAX_IMAGE_BYTES and an image over MAX_INPUT_PIXELS get the same answer. */
const IMAGE_TOO_LARGE: ErrorSpec = { status: 413, code: 'CLASSIFIER_IMAGE_TOO_LARGE', reason: 'too_large' }

/**
 * Every error answer of the classifier: `kind -> { status, code, reason, retryAfter }`. The /v2
 * routes answer the same entries in the Open Inference Protocol's `{ "error": "message" }` shape.
 */
export const CLASSIFIER_ERRORS = new ErrorTable('CLASSIFIER', {
  bad_image: { status: 400, code: 'CLASSIFIER_BAD_IMAGE', reason: 'bad_input' },
  missing_image: { status: 400, code: 'CLASSIFIER_MISSING_IMAGE', reason: 'bad_input' },
  bad_multipart: { status: 400, code: 'CLASSIFIER_BAD_MULTIPART', reason: 'bad_input' },
  unknown_model: { status: 404, code: 'CLASSIFIER_UNKNOWN_MODEL', reason: 'not_found' },
  unknown_version: { status: 404, code: 'CLASSIFIER_UNKNOWN_VERSION', reason: 'not_found' },
  image_too_large: IMAGE_TOO_LARGE,
  body_too_large: IMAGE_TOO_LARGE,
  /** A KServe v2 infer body over MAX_INFER_BYTES. */
  infer_body_too_large: { status: 413, code: 'CLASSIFIER_BODY_TOO_LARGE', reason: 'too_large' },
  unsupported_image: { status: 415, code: 'CLASSIFIER_UNSUPPORTED_IMAGE', reason: 'unsupported' },
  unsupported_media_type: { status: 415, code: 'CLASSIFIER_UNSUPPORTED_MEDIA_TYPE', reason: 'unsupported' },
  queue_full: { status: 503, code: 'CLASSIFIER_QUEUE_FULL', reason: 'queue_full', retryAfter: true },
  /** Large v2 infer bodies being decoded off the event loop are at their most. */
  decoder_busy: { status: 503, code: 'CLASSIFIER_BUSY', reason: 'queue_full', retryAfter: true },
  timeout: { status: 503, code: 'CLASSIFIER_TIMEOUT', reason: 'timeout', retryAfter: true },
  shutting_down: { status: 503, code: 'CLASSIFIER_SHUTTING_DOWN', reason: 'shutting_down', retryAfter: true },
  /** The inference worker running the batch died; it is being replaced (warmed up) and the same request may succeed. */
  worker_failed: { status: 503, code: 'CLASSIFIER_WORKER_FAILED', reason: 'worker_failed', retryAfter: true },
  /** The batch's run threw (a CUDA error, say): that batch alone failed; many in a row turn /readyz red. */
  inference_failed: { status: 503, code: 'CLASSIFIER_INFERENCE_FAILED', reason: 'worker_failed', retryAfter: true },
  /** No Retry-After: retrying does not help until someone installs the model and restarts. */
  no_model: { status: 503, code: 'CLASSIFIER_NO_MODEL', reason: 'no_model' },
  /** The client closed the connection before its answer: its queued work was dropped. Nobody reads this answer. */
  client_gone: { status: 499, code: 'CLASSIFIER_CLIENT_GONE', reason: 'client_gone' }
})

export type ClassifierErrorKind = keyof typeof CLASSIFIER_ERRORS.specs
