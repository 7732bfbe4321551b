import { Type, type Static } from 'typebox'

export const MAX_TOPK = 20
export const DEFAULT_TOPK = 5

export const ClassifyQuerySchema = Type.Object({
  // Optional with a default: the validator fills it in, and the OpenAPI document does not mark it required.
  topk: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOPK, default: DEFAULT_TOPK, description: 'how many classes to return' }))
})

/**
 * The upload as the OpenAPI document shows it (and /docs "Try it out" sends it): a multipart form
 * with the file field `image`, or the image bytes as the body. The classify scope reads the upload
 * itself (http/upload.ts): the multipart form never reaches the validator (`nullable`), and raw
 * bytes are described, never validated (no body has the media type `image/*`).
 */
export const ClassifyBodySchema = {
  content: {
    'multipart/form-data': {
      schema: Type.Object({ image: Type.String({ format: 'binary', description: 'the image: JPEG, PNG, WebP, GIF, TIFF, HEIF or AVIF' }) }, { nullable: true })
    },
    'image/*': { schema: Type.String({ format: 'binary', description: 'the image bytes, with their image/* content type (or application/octet-stream)' }) }
  }
}

export const PredictionSchema = Type.Object({
  index: Type.Integer({ description: 'ImageNet class index (0-999)' }),
  label: Type.String(),
  probability: Type.Number({ description: 'softmax probability, 0-1' })
})

export const ClassifyResponseSchema = Type.Object({
  model: Type.String(),
  predictions: Type.Array(PredictionSchema),
  timings_ms: Type.Object({
    decode_wait: Type.Number({ description: 'wait for a decode slot (MAX_DECODES, MAX_DECODE_PIXELS); at most MAX_QUEUE_TIME_MS' }),
    decode: Type.Number({ description: 'header read + sharp decode + resize + normalize' }),
    queue: Type.Number({ description: 'wait in the batch queue' }),
    inference: Type.Number({ description: 'onnxruntime run of the whole batch' }),
    total: Type.Number({ description: 'from the request to the answer, body upload excluded' })
  })
})
/** The answer of `POST /classify`. */
export type ClassifyResponse = Static<typeof ClassifyResponseSchema>

export const InfoResponseSchema = Type.Object({
  model: Type.String(),
  description: Type.String(),
  file: Type.String(),
  sha256: Type.String(),
  precision: Type.String(),
  inputName: Type.String(),
  outputName: Type.String(),
  inputShape: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  outputKind: Type.String(),
  executionProvider: Type.String({ description: 'the provider actually in use' }),
  requestedExecutionProvider: Type.String(),
  executionProviderNote: Type.Optional(Type.String({ description: 'why this provider serves, e.g. no GPU visible, or CUDA failed and ALLOW_CPU_FALLBACK=true' })),
  workers: Type.Integer(),
  workersAlive: Type.Integer({ description: 'inference workers able to take batches now (a dead one is being replaced)' }),
  intraOpThreads: Type.Integer(),
  ready: Type.Boolean(),
  batching: Type.Object({
    maxBatchSize: Type.Integer(),
    maxQueueDelayMs: Type.Number(),
    maxQueue: Type.Integer(),
    requestTimeoutMs: Type.Integer(),
    queueDepth: Type.Integer()
  }),
  admission: Type.Object({
    maxDecodes: Type.Integer(),
    maxDecodePixels: Type.Integer(),
    maxDecodeQueue: Type.Integer(),
    maxQueueTimeMs: Type.Integer(),
    requests: Type.Integer({ description: 'requests inside admission now: uploading, waiting or decoding' }),
    decoding: Type.Integer(),
    waiting: Type.Integer({ description: 'images waiting for a decode slot' })
  }, { description: 'decode admission: what may decode at once, and how long an image may wait for it' }),
  limits: Type.Object({ maxImageBytes: Type.Integer(), maxInputPixels: Type.Integer() }),
  preprocessing: Type.Record(Type.String(), Type.Unknown())
})
/** The answer of `GET /info`. */
export type InfoResponse = Static<typeof InfoResponseSchema>
