import { ConfigError } from '@inference-stack/kit'
import type { CatalogEntry, ResolvedModel } from '@inference-stack/models'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { intraOpThreads, maxDecodePixels, maxDecodes, type ClassifierConfig } from '../config.js'
import { pipeline, type Pipeline } from '../http/pipeline.js'
import { DecodeAdmission } from '../lib/admission.js'
import { Batcher } from '../lib/batcher.js'
import { FailureStreak } from '../lib/failure-streak.js'
import { createClassifierMetrics, type ClassifierMetrics } from '../lib/metrics.js'
import { openSessions } from '../lib/open-sessions.js'
import { planProvider, probeCuda } from '../lib/provider.js'
import { runBatch, type ExecutionProvider, type SessionPool } from '../lib/session.js'
import { batchObserver, poolGauges, workerEvents } from './model-events.js'

/** The model being served, as the routes see it. */
export interface ClassifierModel extends Pipeline {
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
  sessions: SessionPool
  batcher: Batcher
  admission: DecodeAdmission
  metrics: ClassifierMetrics
  /** Resolves when every session has run every batch size once (readiness turns green). */
  warmedUp: Promise<void>
  /** Ready to classify: warmed up, a worker alive, and batches not failing in a row. */
  isReady: () => boolean
}

declare module 'fastify' {
  interface FastifyInstance { classifier: ClassifierModel }
}

export interface ModelOptions {
  config: ClassifierConfig
  resolved: ResolvedModel
  /** Another inference worker script (tests); session-worker by default. */
  sessionWorker?: URL
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

/**
 * Loads the model into WORKERS sessions on the provider that lib/provider.ts chose, warms each
 * up (a replacement too, before it takes batches), runs decode admission and the batcher, and
 * closes it all on shutdown.
 */
export const model = fp(async function model (app: FastifyInstance, { config, resolved, sessionWorker }: ModelOptions) {
  const { entry } = resolved
  const [, channels, h, w] = entry.inputShape
  const itemShape = [channels, h, w]
  const itemSize = itemShape.reduce((a, b) => a * b, 1)
  const decodePixels = maxDecodePixels(config)
  if (decodePixels < config.MAX_INPUT_PIXELS) {
    throw new ConfigError([`MAX_DECODE_PIXELS=${decodePixels}: must be at least MAX_INPUT_PIXELS (${config.MAX_INPUT_PIXELS}), or an image at the limit could never decode`])
  }
  const threads = intraOpThreads(config)
  const metrics = createClassifierMetrics(app.metrics)
  const streak = new FailureStreak(config.MAX_FAILED_BATCHES)
  let wakeBatcher = (): void => {}
  const loadStart = performance.now()
  const plan = planProvider(config.EXECUTION_PROVIDER, probeCuda(), config.ALLOW_CPU_FALLBACK)
  const { pool, info, provider, note, level } = await openSessions(plan, {
    modelPath: resolved.path,
    workers: config.WORKERS,
    intraOpThreads: threads,
    script: sessionWorker,
    warmUp: async (run, opened) => {
      for (const n of warmUpSizes(opened.provider, config.MAX_BATCH_SIZE)) await run(new Float32Array(n * itemSize), [n, ...itemShape])
    },
    events: workerEvents(app, metrics, () => wakeBatcher())
  })
  metrics.modelLoad.set((performance.now() - loadStart) / 1000)
  metrics.modelInfo.set({ model: entry.name, sha256_prefix: resolved.sha256.slice(0, 12), execution_provider: provider }, 1)
  if (note !== undefined) app.log[level](note)
  app.log.info({ model: entry.name, file: resolved.path, provider, workers: pool.size, intraOpThreads: threads, loadMs: Math.round(info.loadMs) }, 'model loaded')
  app.addReadinessInfo('executionProvider', () => provider)

  const admission: DecodeAdmission = new DecodeAdmission({
    maxDecodes: maxDecodes(config),
    maxPixels: decodePixels,
    maxRequests: config.MAX_DECODE_QUEUE,
    maxWaitMs: config.MAX_QUEUE_TIME_MS,
    // What is decoding now must find room in the batch queue: a decode never ends in a queue_full.
    room: (): boolean => batcher.depth + admission.decoding < config.MAX_QUEUE
  })
  const batcher = new Batcher({
    runner: { size: pool.size, get idle () { return pool.idle }, run: async (data, dims) => await runBatch(pool, data, dims) },
    itemShape,
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxQueueDelayMs: config.MAX_QUEUE_DELAY_MS,
    maxQueue: config.MAX_QUEUE,
    observer: batchObserver(app, metrics, streak, admission)
  })
  wakeBatcher = () => batcher.wake()
  poolGauges(app, pool, admission)

  let warmed = false
  let warmError: Error | undefined
  const warmedUp = pool.warmedUp.then(() => {
    batcher.start()
    warmed = true
    app.log.info({ batchSizes: warmUpSizes(provider, config.MAX_BATCH_SIZE) }, 'model warmed up; ready')
  }, (err: Error) => {
    warmError = err
    app.log.error({ err }, 'model warm-up failed')
    throw err
  })
  warmedUp.catch(() => {}) // observed through readiness and server.ts
  const notReady = (): string | undefined => {
    if (!warmed) return warmError === undefined ? 'warming up' : `warm-up failed: ${warmError.message}`
    if (pool.alive === 0) return `no inference worker is alive; ${pool.size} being started again`
    return streak.problem
  }
  app.addReadinessCheck('model', () => notReady() ?? true)

  app.decorate('classifier', {
    entry,
    sha256: resolved.sha256,
    labels: resolved.labels,
    itemShape,
    provider,
    providerNote: note,
    inputName: info.inputName,
    outputName: info.outputName,
    threads,
    sessions: pool,
    batcher,
    admission,
    metrics,
    warmedUp,
    isReady: () => notReady() === undefined,
    ...pipeline({ config, entry, admission, batcher, metrics })
  } satisfies ClassifierModel)

  app.addHook('onClose', async () => {
    warmed = false
    await warmedUp.catch(() => {})
    await batcher.close()
    await pool.close()
    app.log.info('model sessions closed')
  })
}, { name: 'classifier-model', dependencies: ['kit-metrics', 'kit-health'] })
