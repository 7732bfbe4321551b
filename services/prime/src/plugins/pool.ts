import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { HttpError } from '@inference-stack/kit/contract'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram } from 'prom-client'
import { PRIME_ERRORS, type CheckResult, type PrimeConfig } from '../contract.js'
import { decide, digitsBucket, type ParsedNumber } from '../lib/check.js'
import { CheckPool, PoolError } from '../lib/check-pool.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Decides numbers in order: all in one worker task when one of them has PRIME_WORKER_MIN_DIGITS
     * digits or more, inline otherwise. Throws a 503 of the error table when the pool cannot take them.
     */
    checkNumbers: (numbers: ParsedNumber[]) => Promise<CheckResult[]>
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

/** The answer a client gets when the pool refuses or loses its check. */
export function fromPoolError (err: PoolError): HttpError {
  switch (err.kind) {
    case 'queue_full':
      return PRIME_ERRORS.error('queue_full', `${err.message}, the most allowed (PRIME_WORKERS, PRIME_MAX_QUEUE); retry shortly`, { cause: err })
    case 'worker_failed':
      return PRIME_ERRORS.error('worker_failed', `${err.message}; the worker is being replaced, retry shortly`, { cause: err })
    case 'closed':
      return PRIME_ERRORS.error('shutting_down', 'the service is shutting down; retry shortly', { cause: err })
  }
}

async function checkInline (numbers: ParsedNumber[]): Promise<CheckResult[]> {
  const answers: CheckResult[] = []
  let lastYield = performance.now()
  for (const number of numbers) {
    answers.push(decide(number))
    if (answers.length < numbers.length && performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop()
      lastYield = performance.now()
    }
  }
  return answers
}

/** The worker pool for big checks: started on register, drained and ended on close. */
export const pool = fp(async function primePool (app: FastifyInstance, { config, workerEntry }: PoolPluginOptions) {
  const pool = await CheckPool.create({ size: config.PRIME_WORKERS, maxQueue: config.PRIME_MAX_QUEUE, entry: workerEntry })
  app.addHook('onClose', async () => { await pool.close() })
  app.addReadinessCheck('prime-pool', () => pool.alive === pool.size || `${pool.alive} of ${pool.size} check workers alive`)

  const registers = [app.metrics]
  const duration = new Histogram({
    name: 'prime_check_duration_seconds',
    help: 'Time to decide one number, by its digit count.',
    labelNames: ['digits'] as const,
    buckets: CHECK_BUCKETS,
    registers
  })
  const checks = new Counter({ name: 'prime_checks_total', help: 'Numbers decided, by where: inline or pool.', labelNames: ['where'] as const, registers })
  const gauge = (name: string, help: string, read: () => number) =>
    app.metrics.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read()) } }))
  gauge('prime_queue_depth', 'Checks waiting for a worker.', () => pool.queueDepth)
  gauge('prime_workers_busy', 'Workers deciding a check now.', () => pool.busy)
  gauge('prime_workers_alive', 'Workers able to take checks.', () => pool.alive)

  app.decorate('checkNumbers', async (numbers: ParsedNumber[]): Promise<CheckResult[]> => {
    const where = numbers.some((n) => n.digits >= config.PRIME_WORKER_MIN_DIGITS) ? 'pool' : 'inline'
    let answers: CheckResult[]
    try {
      answers = where === 'pool' ? await pool.run(numbers) : await checkInline(numbers)
    } catch (err) {
      throw err instanceof PoolError ? fromPoolError(err) : err
    }
    checks.inc({ where }, numbers.length)
    for (const answer of answers) duration.observe({ digits: digitsBucket(answer.digits) }, answer.elapsed_ms / 1000)
    return answers
  })
}, { name: 'prime-pool', dependencies: ['kit-health', 'kit-metrics'] })
