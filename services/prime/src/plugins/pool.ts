import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { WorkerPoolError } from '@inference-stack/kit'
import type { HttpError } from '@inference-stack/kit/contract'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram } from 'prom-client'
import { PRIME_ERRORS, type CheckResult, type PrimeConfig } from '../contract.js'
import { decide, digitsBucket, type ParsedNumber } from '../lib/check.js'
import { createCheckPool } from '../lib/check-pool.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Decides numbers in order: all in one worker task when one of them has PRIME_WORKER_MIN_DIGITS
     * digits or more, inline otherwise. Throws a 503 of the error table when the pool cannot take
     * them, and drops them (499) when `signal` says their client went away before they were decided.
     */
    checkNumbers: (numbers: ParsedNumber[], signal?: AbortSignal) => Promise<CheckResult[]>
  }
}

export interface PoolPluginOptions {
  config: PrimeConfig
  /** Another worker script (tests); the pool's own check-worker by default. */
  workerEntry?: URL
}

/** Inline work gives other requests a turn at least this often. */
const YIELD_EVERY_MS = 20
const CHECK_BUCKETS = [0.00001, 0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** The answer a client gets when the pool refuses or loses its check; `retryAfterMs`: the pool's estimate. */
export function fromPoolError (err: WorkerPoolError, retryAfterMs?: number): HttpError {
  switch (err.kind) {
    case 'queue_full':
      return PRIME_ERRORS.error('queue_full', `${err.message}, the most allowed (PRIME_WORKERS, PRIME_MAX_QUEUE); retry shortly`, { cause: err, retryAfterMs })
    case 'worker_failed':
    case 'task_failed':
      return PRIME_ERRORS.error('worker_failed', `${err.message}; the worker is being replaced, retry shortly`, { cause: err })
    case 'closed':
      return PRIME_ERRORS.error('shutting_down', 'the service is shutting down; retry shortly', { cause: err })
    case 'cancelled':
      return PRIME_ERRORS.error('client_gone', err.message, { cause: err })
  }
}

const gone = (): WorkerPoolError => new WorkerPoolError('cancelled', 'the client went away before its numbers were decided; the rest were dropped')

/** Decides `numbers` on the event loop, giving other requests a turn; stops when the client has gone, counting what it decided and dropped. */
async function checkInline (numbers: ParsedNumber[], signal: AbortSignal | undefined, count: (decided: number, dropped: number) => void): Promise<CheckResult[]> {
  const answers: CheckResult[] = []
  let lastYield = performance.now()
  for (const number of numbers) {
    answers.push(decide(number))
    if (answers.length < numbers.length && performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop()
      lastYield = performance.now()
      if (signal?.aborted === true) {
        count(answers.length, numbers.length - answers.length)
        throw gone()
      }
    }
  }
  return answers
}

/** The worker pool for big checks: started on register, drained and ended on close. */
export const pool = fp(async function primePool (app: FastifyInstance, { config, workerEntry }: PoolPluginOptions) {
  const registers = [app.metrics]
  const restarts = new Counter({ name: 'prime_worker_restarts_total', help: 'Check workers that died (their check answered 503 PRIME_WORKER_FAILED) and were replaced.', registers })
  const pool = await createCheckPool({
    size: config.PRIME_WORKERS,
    maxQueue: config.PRIME_MAX_QUEUE,
    entry: workerEntry,
    events: {
      exited: (reason) => {
        restarts.inc()
        app.log.warn({ reason }, 'a check worker died; replacing it')
      },
      startFailed: (reason, retryInMs) => app.log.error({ reason, retryInMs }, 'a check worker could not start; trying again')
    }
  })
  app.addHook('onClose', async () => { await pool.close() })
  app.addReadinessCheck('prime-pool', () => pool.alive > 0 || `none of the ${pool.size} check workers is alive; they are being started again`)

  const duration = new Histogram({
    name: 'prime_check_duration_seconds',
    help: 'Time to decide one number, by its digit count.',
    labelNames: ['digits'] as const,
    buckets: CHECK_BUCKETS,
    registers
  })
  const checks = new Counter({ name: 'prime_checks_total', help: 'Numbers decided, by where: inline or pool (whether or not their client was still there).', labelNames: ['where'] as const, registers })
  const dropped = new Counter({ name: 'prime_checks_dropped_total', help: 'Numbers never decided because their client went away while they waited.', registers })
  const gauge = (name: string, help: string, read: () => number) =>
    app.metrics.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read()) } }))
  gauge('prime_queue_depth', 'Checks waiting for a worker.', () => pool.queueDepth)
  gauge('prime_workers_busy', 'Workers deciding a check now.', () => pool.busy)
  gauge('prime_workers_alive', 'Workers able to take checks.', () => pool.alive)

  // A moving average of a pool task's time: how long the queue in front of a refused check takes to move.
  let taskMs: number | undefined
  const retryAfterMs = (): number | undefined =>
    taskMs === undefined ? undefined : taskMs * Math.ceil((pool.queueDepth + 1) / Math.max(1, pool.alive))

  app.decorate('checkNumbers', async (numbers: ParsedNumber[], signal?: AbortSignal): Promise<CheckResult[]> => {
    const where = numbers.some((n) => n.digits >= config.PRIME_WORKER_MIN_DIGITS) ? 'pool' : 'inline'
    let answers: CheckResult[]
    try {
      answers = where === 'pool'
        ? await pool.run(numbers, { signal })
        : await checkInline(numbers, signal, (decided, left) => { checks.inc({ where }, decided); dropped.inc(left) })
    } catch (err) {
      if (!(err instanceof WorkerPoolError)) throw err
      if (err.kind === 'cancelled' && where === 'pool') dropped.inc(numbers.length)
      throw fromPoolError(err, retryAfterMs())
    }
    checks.inc({ where }, numbers.length)
    let ms = 0
    for (const answer of answers) {
      duration.observe({ digits: digitsBucket(answer.digits) }, answer.elapsed_ms / 1000)
      ms += answer.elapsed_ms
    }
    if (where === 'pool') taskMs = taskMs === undefined ? ms : 0.8 * taskMs + 0.2 * ms
    return answers
  })
}, { name: 'prime-pool', dependencies: ['kit-health', 'kit-metrics'] })
