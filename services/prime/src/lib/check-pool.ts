import { WorkerPool, type WorkerPoolEvents } from '@inference-stack/kit'
import type { CheckResult } from '../schemas/check.js'
import type { ParsedNumber } from './check.js'

/** Worker threads deciding numbers (check-worker.ts), supervised by the kit's WorkerPool. */
export type CheckPool = WorkerPool<ParsedNumber[], CheckResult[]>

export interface CheckPoolOptions {
  /** Worker threads, each deciding one task at a time. */
  size: number
  /** Tasks that may wait for a free worker; more are refused at once. */
  maxQueue: number
  /** The worker script; defaults to check-worker next to this file (.js when built, .ts from sources). */
  entry?: URL
  events?: WorkerPoolEvents
}

/**
 * Starts the pool and waits until every worker has loaded. A worker that dies is replaced and its
 * task rejected (`worker_failed`); a task whose client goes away while it waits is never run.
 */
export async function createCheckPool (opts: CheckPoolOptions): Promise<CheckPool> {
  return await WorkerPool.create<ParsedNumber[], CheckResult[]>({
    name: 'prime-check',
    script: opts.entry ?? new URL('./check-worker.js', import.meta.url),
    size: opts.size,
    maxQueue: opts.maxQueue,
    events: opts.events
  })
}
