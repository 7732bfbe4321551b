import type { FastifyInstance } from 'fastify'
import { InfoResponseSchema, maxDecodePixels, maxDecodes, type ClassifierConfig } from '../contract.js'

/** `GET /info`: what is served and how: model, checksum, provider in use, batching and limits. */
export default async function infoRoutes (app: FastifyInstance, { config }: { config: ClassifierConfig }): Promise<void> {
  const { classifier } = app
  app.get('/info', { schema: { summary: 'The model served and the settings in use', response: { 200: InfoResponseSchema } } }, async () => ({
    model: classifier.entry.name,
    description: classifier.entry.description,
    file: classifier.entry.file,
    sha256: classifier.sha256,
    precision: classifier.entry.precision,
    inputName: classifier.inputName,
    outputName: classifier.outputName,
    inputShape: [...classifier.entry.inputShape],
    outputKind: classifier.entry.outputKind,
    executionProvider: classifier.provider,
    requestedExecutionProvider: config.EXECUTION_PROVIDER,
    ...(classifier.providerNote === undefined ? {} : { executionProviderNote: classifier.providerNote }),
    workers: config.WORKERS,
    workersAlive: classifier.sessions.alive,
    intraOpThreads: classifier.threads,
    ready: classifier.isReady(),
    batching: {
      maxBatchSize: config.MAX_BATCH_SIZE,
      maxQueueDelayMs: config.MAX_QUEUE_DELAY_MS,
      maxQueue: config.MAX_QUEUE,
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      queueDepth: classifier.batcher.depth
    },
    admission: {
      maxDecodes: maxDecodes(config),
      maxDecodePixels: maxDecodePixels(config),
      maxDecodeQueue: config.MAX_DECODE_QUEUE,
      maxQueueTimeMs: config.MAX_QUEUE_TIME_MS,
      requests: classifier.admission.requests,
      decoding: classifier.admission.decoding,
      waiting: classifier.admission.waiting
    },
    limits: { maxImageBytes: config.MAX_IMAGE_BYTES, maxInputPixels: config.MAX_INPUT_PIXELS },
    preprocessing: { ...classifier.entry.preprocessing }
  }))
}
