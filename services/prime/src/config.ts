import { availableParallelism } from 'node:os'
import { CommonConfigSchema, RetryAfterConfigSchema } from '@inference-stack/kit/contract'
import { Type, type Static } from 'typebox'

export const DEFAULT_PORT = 8081
/**
 * Node 20's BigInt multiplies and divides in quadratic time, so a Baillie-PSW check grows with
 * the cube of the digit count: about 0.5 s for a 1,000-digit prime, 3 s for 2,000 digits and
 * minutes for the 10,000 first proposed (`npm run bench:prime`, services/prime/README.md).
 */
export const DEFAULT_MAX_DIGITS = 1000
export const DEFAULT_MAX_BATCH = 1000
/** Sum of the digits of one batch: bounds a batch's time as PRIME_MAX_DIGITS bounds one check. */
export const DEFAULT_MAX_BATCH_DIGITS = 10_000
export const DEFAULT_MAX_CONCURRENT_BATCHES = 4
/** One core stays with the event loop (HTTP, health checks, small checks inline). */
export const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1)
export const DEFAULT_MAX_QUEUE = 32
/**
 * Below 60 digits a check costs under a millisecond (0.6-0.8 ms at 60 digits, over 1 ms from about
 * 70; `npm run bench:prime`): inline it stalls the event loop harmlessly and never waits in the
 * queue behind big checks. The worker round trip itself costs about 0.05 ms.
 */
export const DEFAULT_WORKER_MIN_DIGITS = 60

const CountSchema = (fallback: number, description: string) =>
  Type.Integer({ default: fallback, minimum: 1, maximum: 1_000_000, description })

/** Environment variables of the prime service. */
export const PrimeConfigSchema = Type.Object({
  ...CommonConfigSchema,
  ...RetryAfterConfigSchema,
  PORT: Type.Integer({ default: DEFAULT_PORT, minimum: 0, maximum: 65535 }),
  PRIME_MAX_DIGITS: CountSchema(DEFAULT_MAX_DIGITS, 'longest number accepted, in digits'),
  PRIME_MAX_BATCH: CountSchema(DEFAULT_MAX_BATCH, 'most numbers in one POST /check'),
  PRIME_MAX_BATCH_DIGITS: CountSchema(DEFAULT_MAX_BATCH_DIGITS, 'most digits in one POST /check, all numbers together'),
  PRIME_MAX_CONCURRENT_BATCHES: CountSchema(DEFAULT_MAX_CONCURRENT_BATCHES, 'batches in progress at once; more get 503'),
  PRIME_WORKERS: Type.Integer({ default: DEFAULT_WORKERS, minimum: 1, maximum: 256, description: 'worker threads deciding big numbers' }),
  PRIME_MAX_QUEUE: Type.Integer({ default: DEFAULT_MAX_QUEUE, minimum: 0, maximum: 1_000_000, description: 'checks waiting for a worker; more get 503' }),
  PRIME_WORKER_MIN_DIGITS: CountSchema(DEFAULT_WORKER_MIN_DIGITS, 'numbers with at least this many digits are decided in a worker thread')
})

export type PrimeConfig = Static<typeof PrimeConfigSchema>
