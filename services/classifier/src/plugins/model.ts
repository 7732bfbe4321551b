import type { CatalogEntry, ResolvedModel } from '@inference-stack/models'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { intraOpThreads, type ClassifierConfig } from '../config.js'
import { Batcher } from '../lib/batcher.js'
import { toHttpError } from '../http/errors.js'
import { createClassifierMetrics, type ClassifierMetrics } from '../lib/metrics.js'
import { preprocess } from '../lib/preprocess.js'
import { openSessions } from '../lib/open-sessions.js'
import { planProvider, probeCuda } from '../lib/provider.js'
import type { ExecutionProvider, ModelSession } from '../lib/session.js'

/** The model being served, as the routes see it. */
export interface ClassifierModel {
  entry: CatalogEntry
  sha256: string
  labels: string[]
  /** [3, crop, crop]: one image without the batch dimension. */
  itemShape: number[]
  provider: ExecutionProvider
  /** Why this provider serves (e.g. no GPU visible), when there is something to say. */
  providerNote: string | undefined
  inputName: string
  outputName: string
  threads: number
  batcher: Batcher
  metrics: ClassifierMetrics
  /** Resolves when every session has run every batch size once (readiness turns green). */
  warmedUp: Promise<void>
  isReady: () => boolean
  /** Encoded image -> input tensor; an ImageError becomes its answer of the error table (4xx). */
  prepare: (image: Buffer) => Promise<{ tensor: Float32Array, ms: number }>
  /** One input tensor -> its output row, through the batcher; queue full, timeouts and shutdown become 503s of the error table. */
  infer: (tensor: Float32Array) => Promise<{ output: Float32Array, queueMs: number, inferenceMs: number }>
}

declare module 'fastify' {
  interface FastifyInstance { classifier: ClassifierModel }
}

/**
 * Batch sizes to run once before serving. CUDA (cuDNN) picks algorithms per new
 * input shape, so there every size runs; the CPU provider has no per-shape
 * tuning, so powers of two and the largest size (which grows the memory arena) suffice.
 */
export function warmUpSizes (provider: ExecutionProvider, maxBatch: number): number[] {
  if (provider === 'cuda') return Array.from({ length: maxBatch }, (_, i) => i + 1)
  const sizes = new Set<number>([maxBatch])
  for (let n = 1; n < maxBatch; n *= 2) sizes.add(n)
  return [...sizes].sort((a, b) => a - b)
}

async function warmUp (sessions: ModelSession[], itemShape: number[], sizes: number[]): Promise<void> {
  const itemSize = itemShape.reduce((a, b) => a * b, 1)
  await Promise.all(sessions.map(async (session) => {
    for (const n of sizes) await session.run(new Float32Array(n * itemSize), [n, ...itemShape])
  }))
}

/**
 * Loads the model into WORKERS sessions on the provider that lib/provider.ts chose,
 * warms them up, runs the batcher, and closes it all on shutdown.
 */
export const model = fp(async function model (app: FastifyInstance, { config, resolved }: { config: ClassifierConfig, resolved: ResolvedModel }) {
  const { entry } = resolved
  const [, channels, h, w] = entry.inputShape
  const itemShape = [channels, h, w]
  const threads = intraOpThreads(config)
  const loadStart = performance.now()
  const plan = planProvider(config.EXECUTION_PROVIDER, probeCuda(), config.ALLOW_CPU_FALLBACK)
  const { sessions, provider, note, level } = await openSessions(plan, { modelPath: resolved.path, workers: config.WORKERS, intraOpThreads: threads })
  const first = sessions[0]!
  const metrics = createClassifierMetrics(app.metrics)
  metrics.modelLoad.set((performance.now() - loadStart) / 1000)
  metrics.modelInfo.set({ model: entry.name, sha256_prefix: resolved.sha256.slice(0, 12), execution_provider: provider }, 1)
  if (note !== undefined) app.log[level](note)
  app.log.info({ model: entry.name, file: resolved.path, provider, workers: sessions.length, intraOpThreads: threads, loadMs: Math.round(first.loadMs) }, 'model loaded')
  app.addReadinessInfo('executionProvider', () => provider)

  const batcher = new Batcher({
    runners: sessions,
    itemShape,
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxQueueDelayMs: config.MAX_QUEUE_DELAY_MS,
    maxQueue: config.MAX_QUEUE,
    observer: {
      queued: (depth) => metrics.queueDepth.set(depth),
      waited: (seconds) => metrics.queueWait.observe(seconds),
      batch: (size, seconds) => { metrics.batchSize.observe(size); metrics.inference.observe(seconds); metrics.images.inc(size) }
    }
  })

  let ready = false
  let warmError: Error | undefined
  const sizes = warmUpSizes(provider, config.MAX_BATCH_SIZE)
  const warmedUp = warmUp(sessions, itemShape, sizes).then(() => {
    batcher.start()
    ready = true
    app.log.info({ batchSizes: sizes }, 'model warmed up; ready')
  }, (err: Error) => {
    warmError = err
    app.log.error({ err }, 'model warm-up failed')
    throw err
  })
  warmedUp.catch(() => {}) // observed through readiness and server.ts
  app.addReadinessCheck('model', () => ready || (warmError ? `warm-up failed: ${warmError.message}` : 'warming up'))

  const rethrow = (err: unknown): never => { throw toHttpError(err) ?? err }
  app.decorate('classifier', {
    entry,
    sha256: resolved.sha256,
    labels: resolved.labels,
    itemShape,
    provider,
    providerNote: note,
    inputName: first.inputName,
    outputName: first.outputName,
    threads,
    batcher,
    metrics,
    warmedUp,
    isReady: () => ready,
    prepare: async (image: Buffer) => {
      const t0 = performance.now()
      const tensor = await preprocess(image, entry.preprocessing, { maxInputPixels: config.MAX_INPUT_PIXELS }).catch(rethrow)
      const ms = performance.now() - t0
      metrics.preprocess.observe(ms / 1000)
      return { tensor, ms }
    },
    infer: async (tensor: Float32Array) => await batcher.submit(tensor, config.REQUEST_TIMEOUT_MS).catch(rethrow)
  } satisfies ClassifierModel)

  app.addHook('onClose', async () => {
    ready = false
    await warmedUp.catch(() => {})
    await batcher.close()
    await Promise.all(sessions.map(async (s) => await s.close()))
    app.log.info('model sessions closed')
  })
}, { name: 'classifier-model', dependencies: ['kit-metrics', 'kit-health'] })
