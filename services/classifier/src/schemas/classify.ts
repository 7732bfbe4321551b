import { Type } from 'typebox'

export const MAX_TOPK = 20

export const ClassifyQuerySchema = Type.Object({
  topk: Type.Integer({ minimum: 1, maximum: MAX_TOPK, default: 5, description: 'how many classes to return' })
})

export const PredictionSchema = Type.Object({
  index: Type.Integer({ description: 'ImageNet class index (0-999)' }),
  label: Type.String(),
  probability: Type.Number({ description: 'softmax probability, 0-1' })
})

export const ClassifyResponseSchema = Type.Object({
  model: Type.String(),
  predictions: Type.Array(PredictionSchema),
  timings_ms: Type.Object({
    decode: Type.Number({ description: 'sharp decode + resize + normalize' }),
    queue: Type.Number({ description: 'wait in the batch queue' }),
    inference: Type.Number({ description: 'onnxruntime run of the whole batch' }),
    total: Type.Number({ description: 'from the request to the answer, body upload excluded' })
  })
})

export const ErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() })
})

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
  intraOpThreads: Type.Integer(),
  ready: Type.Boolean(),
  batching: Type.Object({
    maxBatchSize: Type.Integer(),
    maxQueueDelayMs: Type.Number(),
    maxQueue: Type.Integer(),
    requestTimeoutMs: Type.Integer(),
    queueDepth: Type.Integer()
  }),
  limits: Type.Object({ maxImageBytes: Type.Integer(), maxInputPixels: Type.Integer() }),
  preprocessing: Type.Record(Type.String(), Type.Unknown())
})
