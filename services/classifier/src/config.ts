import { availableParallelism } from 'node:os'
import { CommonConfigSchema, RetryAfterConfigSchema } from '@inference-stack/kit/contract'
import { DEFAULT_MODEL } from '@inference-stack/models'
import { Type, type Static } from 'typebox'

export const DEFAULT_PORT = 8082
export const DEFAULT_MAX_BATCH = 8
export const DEFAULT_QUEUE_DELAY_MS = 5
export const DEFAULT_MAX_QUEUE = 64
export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024
/** A KServe v2 infer body: an FP32 image is 1.5-3 MB of JSON, a base64 image a third more than the file. */
export const DEFAULT_MAX_INFER_BYTES = 32 * 1024 * 1024
export const DEFAULT_MAX_INPUT_PIXELS = 40_000_000
export const DEFAULT_MAX_DECODE_QUEUE = 32
export const DEFAULT_MAX_QUEUE_TIME_MS = 1000
export const DEFAULT_MAX_FAILED_BATCHES = 5
/** libuv's thread pool when UV_THREADPOOL_SIZE does not say (Node's default). */
const DEFAULT_THREADPOOL_SIZE = 4

const Int = (min: number, max: number, def: number | undefined, description: string) =>
  Type.Integer({ minimum: min, maximum: max, ...(def === undefined ? {} : { default: def }), description })

/** The classifier's environment. Every variable is optional; defaults are named above. */
export const ClassifierConfigSchema = Type.Object({
  ...CommonConfigSchema,
  PORT: Int(0, 65535, DEFAULT_PORT, 'port to listen on'),
  MODEL: Type.String({ default: DEFAULT_MODEL, minLength: 1, description: 'catalog name of the model to serve' }),
  MODELS_DIR: Type.Optional(Type.String({ description: 'directory searched first for the model file and labels' })),
  MODEL_CACHE_DIR: Type.Optional(Type.String({ description: 'directory searched second (default: <repo>/models/cache, where models:fetch writes)' })),
  ON_MISSING_MODEL: Type.Union([Type.Literal('exit'), Type.Literal('unready')], {
    default: 'exit',
    description: 'model missing or corrupt: exit 1 saying what to run, or stay up unready, every model route answering 503 CLASSIFIER_NO_MODEL with the fix (npm start does this)'
  }),
  EXECUTION_PROVIDER: Type.Union([Type.Literal('auto'), Type.Literal('cuda'), Type.Literal('cpu')], {
    default: 'auto', description: 'auto: CUDA when an NVIDIA GPU is visible, else the CPU; cuda: CUDA or refuse to start'
  }),
  ALLOW_CPU_FALLBACK: Type.Boolean({ default: false, description: 'auto on a host with a visible GPU where CUDA cannot start: serve on the CPU (with a warning) instead of refusing to start' }),
  INTRA_OP_THREADS: Type.Optional(Int(1, 256, undefined, 'onnxruntime threads per worker (default: cores / WORKERS)')),
  WORKERS: Int(1, 64, 1, 'inference worker threads, one session each'),
  MAX_BATCH_SIZE: Int(1, 256, DEFAULT_MAX_BATCH, 'largest batch one run takes'),
  MAX_QUEUE_DELAY_MS: Type.Number({ minimum: 0, maximum: 60_000, default: DEFAULT_QUEUE_DELAY_MS, description: 'longest wait for a batch to fill' }),
  MAX_QUEUE: Int(1, 100_000, DEFAULT_MAX_QUEUE, 'images waiting for a worker; beyond it 503'),
  REQUEST_TIMEOUT_MS: Int(1, 600_000, DEFAULT_TIMEOUT_MS, 'longest an image may wait for its result'),
  ...RetryAfterConfigSchema,
  MAX_IMAGE_BYTES: Int(1, 1024 * 1024 * 1024, DEFAULT_MAX_IMAGE_BYTES, 'largest accepted upload in bytes'),
  MAX_INFER_BYTES: Int(1, 1024 * 1024 * 1024, DEFAULT_MAX_INFER_BYTES, 'largest KServe v2 infer body in bytes (JSON)'),
  MAX_INPUT_PIXELS: Int(1, 1_000_000_000, DEFAULT_MAX_INPUT_PIXELS, 'largest accepted image in pixels (width x height)'),
  MAX_DECODES: Type.Optional(Int(1, 1024, undefined, 'images decoding at once (default: UV_THREADPOOL_SIZE - 1, at least 1: one libuv thread each, one left for header reads)')),
  MAX_DECODE_PIXELS: Type.Optional(Int(1, 10_000_000_000, undefined, 'declared pixels of the images decoding at once, summed (default: 2 x MAX_INPUT_PIXELS; at least MAX_INPUT_PIXELS)')),
  MAX_DECODE_QUEUE: Int(1, 100_000, DEFAULT_MAX_DECODE_QUEUE, 'requests between arrival and the end of their decode (uploading, waiting, decoding); beyond it 503 at once, before the body is read'),
  MAX_QUEUE_TIME_MS: Int(1, 600_000, DEFAULT_MAX_QUEUE_TIME_MS, 'longest an image waits for a decode slot; then 503 rather than a late answer'),
  MAX_FAILED_BATCHES: Int(1, 1_000_000, DEFAULT_MAX_FAILED_BATCHES, 'inference batches failing in a row (a CUDA error, say) after which /readyz fails until one succeeds')
})

export type ClassifierConfig = Static<typeof ClassifierConfigSchema>

/** onnxruntime intra-op threads per worker: the configured number, or the cores shared among workers. */
export function intraOpThreads (config: Pick<ClassifierConfig, 'INTRA_OP_THREADS' | 'WORKERS'>): number {
  return config.INTRA_OP_THREADS ?? Math.max(1, Math.floor(availableParallelism() / config.WORKERS))
}

/** Decodes at once: MAX_DECODES, or libuv's threads less one (each decode holds one; header reads need one free). */
export function maxDecodes (config: Pick<ClassifierConfig, 'MAX_DECODES'>, env: NodeJS.ProcessEnv = process.env): number {
  const threads = Number(env.UV_THREADPOOL_SIZE) > 0 ? Math.floor(Number(env.UV_THREADPOOL_SIZE)) : DEFAULT_THREADPOOL_SIZE
  return config.MAX_DECODES ?? Math.max(1, threads - 1)
}

/** Declared pixels decoding at once: MAX_DECODE_PIXELS, or two images at the pixel limit. */
export function maxDecodePixels (config: Pick<ClassifierConfig, 'MAX_DECODE_PIXELS' | 'MAX_INPUT_PIXELS'>): number {
  return config.MAX_DECODE_PIXELS ?? 2 * config.MAX_INPUT_PIXELS
}
