// What the batcher (batcher.ts) takes, tells and answers.
import type { RunResult } from './session-protocol.js'

/** What runs batches: the inference workers (session.ts), or test doubles. */
export interface BatchRunner {
  /** How many batches it runs at once at most (its workers). */
  readonly size: number
  /** Batches it would start now: its free workers. */
  readonly idle: number
  /** Runs one batch; the buffer of `data` may be transferred. Rejects when the batch failed. */
  run: (data: Float32Array, dims: number[]) => Promise<RunResult>
}

/** Runners of one batch at a time each (a ModelSession, a test double) as one BatchRunner. */
export function runnersOf (runners: Array<Pick<BatchRunner, 'run'>>): BatchRunner {
  const free = [...runners]
  return {
    size: runners.length,
    get idle () { return free.length },
    async run (data, dims) {
      const runner = free.pop()
      if (runner === undefined) throw new Error('no free runner')
      try { return await runner.run(data, dims) } finally { free.push(runner) }
    }
  }
}

/** Hooks for metrics; every one optional. */
export interface BatchObserver {
  queued?: (depth: number) => void
  batch?: (size: number, inferenceSeconds: number) => void
  /** A batch failed: its items were answered with BatcherError `failed` (its cause says why). */
  failed?: (size: number, err: unknown) => void
  waited?: (seconds: number) => void
  /** An item's client went away: dropped from the queue (`running` false), or its row discarded. */
  dropped?: (running: boolean) => void
}

export interface BatcherOptions {
  runner: BatchRunner
  /** Shape of one item without the batch dimension, e.g. [3, 224, 224]. */
  itemShape: number[]
  maxBatchSize: number
  maxQueueDelayMs: number
  maxQueue: number
  observer?: BatchObserver
}

export class BatcherError extends Error {
  constructor (readonly kind: 'queue_full' | 'timeout' | 'closed' | 'failed' | 'cancelled', message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options)
    this.name = 'BatcherError'
    this.retryAfterMs = options?.retryAfterMs
  }

  /** For `queue_full`: when the queue in front is likely to have moved, at the pace seen. */
  readonly retryAfterMs: number | undefined
}

export interface BatchResult {
  /** This item's row of the model output. */
  output: Float32Array
  batchSize: number
  queueMs: number
  inferenceMs: number
}
