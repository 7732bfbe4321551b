// What a WorkerPool (worker-pool.ts) takes, tells and throws, and the messages between it and its
// worker threads. Worker scripts import the messages as types only (`import type`), so a worker
// loads nothing of the kit.

/** Pool to worker: one task at a time, then `close` to release what the worker holds and end it. */
export type PoolRequest<T = unknown> =
  | { type: 'task', id: number, task: T }
  | { type: 'close' }

/**
 * Worker to pool: `ready` once it can take tasks (with facts the pool hands on, e.g. the model's
 * input name), or `start-failed` when it cannot; then one `done` or `failed` per task. A thrown
 * task is `failed` (the worker lives on); a worker that dies fails its task as `worker_failed`.
 */
export type PoolReply<R = unknown> =
  | { type: 'ready', info?: unknown }
  | { type: 'start-failed', message: string }
  | { type: 'done', id: number, result: R }
  | { type: 'failed', id: number, message: string }

/** Why a pool refused or lost a task. */
export type WorkerPoolErrorKind = 'queue_full' | 'worker_failed' | 'task_failed' | 'closed' | 'cancelled'

export class WorkerPoolError extends Error {
  constructor (readonly kind: WorkerPoolErrorKind, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'WorkerPoolError'
  }
}

/** What the pool tells its owner (metrics, logs, a batcher waiting for a free worker). */
export interface WorkerPoolEvents {
  /** A worker died; `task` says whether it was running one (that task failed as `worker_failed`). A replacement follows. */
  exited?: (reason: string, task: boolean) => void
  /** A replacement could not start (or prepare); it is tried again in `retryInMs`. */
  startFailed?: (reason: string, retryInMs: number) => void
  /** A worker became free to take a task: a task ended, or a worker became ready. */
  idle?: () => void
}

export interface WorkerPoolOptions<T, R> {
  /** The threads' name (debuggers and the inspector show it). */
  name: string
  /** The worker module (a `.js` file, or its `.ts` source when running from sources). */
  script: URL
  workerData?: unknown
  size: number
  /** Tasks that may wait for a free worker; more are refused at once (`queue_full`). */
  maxQueue: number
  /**
   * Runs on every new worker after it is ready (with what it said then) and before it takes tasks:
   * a warm-up. A failure is a failed start.
   */
  prepare?: (run: (task: T, transfer?: ArrayBuffer[]) => Promise<R>, info: unknown) => Promise<void>
  /** First wait before starting again a worker that could not start; doubles up to 30 s, reset once one starts. */
  restartDelayMs?: number
  events?: WorkerPoolEvents
}
