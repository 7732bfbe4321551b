import { HttpError } from '@inference-stack/kit'
import type { PoolError } from './check-pool.js'

/** The `reason` label of prime_rejected_requests_total. */
export type RejectReason = 'queue_full' | 'batches_in_progress' | 'worker_failed' | 'shutting_down'
export const REJECT_REASONS: readonly RejectReason[] = ['queue_full', 'batches_in_progress', 'worker_failed', 'shutting_down']

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_S = 1

/** A 503 with Retry-After, counted under its reason. */
export class Rejection extends HttpError {
  constructor (readonly reason: RejectReason, code: string, message: string) {
    super(503, code, message, { 'retry-after': String(RETRY_AFTER_S) })
  }
}

/** The answer a client gets when the pool refuses or loses its check. */
export function fromPoolError (err: PoolError): Rejection {
  switch (err.kind) {
    case 'queue_full':
      return new Rejection('queue_full', 'PRIME_BUSY', `${err.message}, the most allowed (PRIME_WORKERS, PRIME_MAX_QUEUE); retry shortly`)
    case 'worker_failed':
      return new Rejection('worker_failed', 'PRIME_WORKER_FAILED', `${err.message}; the worker is being replaced, retry shortly`)
    case 'closed':
      return new Rejection('shutting_down', 'PRIME_SHUTTING_DOWN', 'the service is shutting down; retry shortly')
  }
}
