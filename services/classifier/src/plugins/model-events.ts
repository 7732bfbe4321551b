// What the model plugin's parts tell the metrics, the log and each other.
import type { WorkerPoolEvents } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import { Gauge } from 'prom-client'
import type { DecodeAdmission } from '../lib/admission.js'
import type { BatchObserver } from '../lib/batcher.js'
import type { FailureStreak } from '../lib/failure-streak.js'
import type { ClassifierMetrics } from '../lib/metrics.js'
import type { SessionPool } from '../lib/session.js'

/** The inference workers' deaths and failed starts, counted and logged; a worker that becomes free wakes the batcher. */
export function workerEvents (app: FastifyInstance, metrics: ClassifierMetrics, wake: () => void): WorkerPoolEvents {
  return {
    exited: (reason, task) => {
      metrics.workerRestarts.inc()
      app.log.error({ reason, batchFailed: task }, 'an inference worker died; starting a new one')
    },
    startFailed: (reason, retryInMs) => app.log.error({ reason, retryInMs }, 'an inference worker could not start; trying again'),
    // A replacement warmed up: batches waiting for a worker may start.
    idle: wake
  }
}

/** The batcher's events: its metrics, the failure streak, and admission woken when the batch queue drains. */
export function batchObserver (app: FastifyInstance, metrics: ClassifierMetrics, streak: FailureStreak, admission: DecodeAdmission): BatchObserver {
  return {
    queued: (depth) => { metrics.queueDepth.set(depth); admission.wake() },
    waited: (seconds) => metrics.queueWait.observe(seconds),
    batch: (size, seconds) => { metrics.batchSize.observe(size); metrics.inference.observe(seconds); metrics.images.inc(size); streak.succeeded() },
    failed: (size, err) => {
      const died = (err as { kind?: string }).kind === 'worker_failed'
      metrics.failedBatches.inc({ cause: died ? 'worker_died' : 'inference_error' })
      streak.failed((err as Error).message)
      app.log.error({ err, batchSize: size }, 'an inference batch failed; its requests are answered 503')
    },
    dropped: (running) => metrics.dropped.inc({ stage: running ? 'running_batch' : 'batch_queue' })
  }
}

/** Gauges read when Prometheus scrapes: workers alive, decodes running and waiting. */
export function poolGauges (app: FastifyInstance, pool: SessionPool, admission: DecodeAdmission): void {
  const gauge = (name: string, help: string, read: () => number) =>
    app.metrics.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read()) } }))
  gauge('classifier_workers_alive', 'Inference workers able to take batches (warmed up).', () => pool.alive)
  gauge('classifier_decodes_in_flight', 'Images decoding now (MAX_DECODES).', () => admission.decoding)
  gauge('classifier_decode_queue_depth', 'Images waiting for a decode slot.', () => admission.waiting)
}
