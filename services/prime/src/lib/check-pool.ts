import { Worker } from 'node:worker_threads'
import { workerScript } from '@inference-stack/kit'
import type { CheckResult } from '../schemas/check.js'
import type { ParsedNumber } from './check.js'
import type { CheckTask, CheckTaskReply } from './check-protocol.js'

/** Why the pool refused or lost a task. */
export type PoolErrorKind = 'queue_full' | 'worker_failed' | 'closed'

export class PoolError extends Error {
  constructor (readonly kind: PoolErrorKind, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'PoolError'
  }
}

export interface CheckPoolOptions {
  /** Worker threads, each deciding one task at a time. */
  size: number
  /** Tasks that may wait for a free worker; more are refused at once. */
  maxQueue: number
  /** The worker script; defaults to check-worker next to this file (.js when built, .ts from sources). */
  entry?: URL
}

/** A worker that keeps failing to start is tried again after this delay, not in a tight loop. */
const RESTART_DELAY_MS = 1000

interface Task { numbers: ParsedNumber[], resolve: (answers: CheckResult[]) => void, reject: (err: Error) => void }
interface Slot { worker: Worker, ready: boolean, started: Promise<void>, task?: Task & { id: number }, error?: Error }

/**
 * A fixed set of worker threads deciding primality, with a bounded FIFO queue in front of them.
 * A worker that dies is replaced and its task rejected (`worker_failed`), never left hanging.
 */
export class CheckPool {
  readonly size: number
  readonly maxQueue: number
  readonly #url: URL
  readonly #slots: Slot[] = []
  readonly #queue: Task[] = []
  readonly #pending = new Set<Promise<CheckResult[]>>()
  #nextId = 0
  #closing: Promise<void> | undefined

  private constructor (opts: CheckPoolOptions) {
    this.size = opts.size
    this.maxQueue = opts.maxQueue
    this.#url = workerScript(opts.entry ?? new URL('./check-worker.js', import.meta.url))
    for (let i = 0; i < opts.size; i++) this.#slots.push(this.#spawn())
  }

  /** Starts every worker and waits until each has loaded; rejects when one cannot start. */
  static async create (opts: CheckPoolOptions): Promise<CheckPool> {
    const pool = new CheckPool(opts)
    try {
      await Promise.all(pool.#slots.map((slot) => slot.started))
    } catch (err) {
      await pool.close()
      throw err
    }
    return pool
  }

  /** Workers loaded and able to take a task. */
  get alive (): number { return this.#slots.filter((slot) => slot.ready).length }
  /** Tasks being decided now. */
  get busy (): number { return this.#slots.filter((slot) => slot.task !== undefined).length }
  /** Tasks waiting for a free worker. */
  get queueDepth (): number { return this.#queue.length }

  /** Decides `numbers` in one worker; rejects with {@link PoolError} when full, closing or on a worker's death. */
  async run (numbers: ParsedNumber[]): Promise<CheckResult[]> {
    if (this.#closing) throw new PoolError('closed', 'the check pool is shutting down')
    const idle = this.#slots.find((slot) => slot.ready && slot.task === undefined)
    if (idle === undefined && this.#queue.length >= this.maxQueue) {
      throw new PoolError('queue_full', `every check worker (${this.size}) is busy and ${this.#queue.length} checks are waiting`)
    }
    const result = new Promise<CheckResult[]>((resolve, reject) => {
      const task = { numbers, resolve, reject }
      if (idle === undefined) this.#queue.push(task)
      else this.#dispatch(idle, task)
    })
    this.#pending.add(result)
    const forget = (): void => { this.#pending.delete(result) }
    result.then(forget, forget)
    return await result
  }

  /** Refuses queued tasks (`closed`), lets running ones finish, then ends the workers. */
  async close (): Promise<void> {
    this.#closing ??= (async () => {
      for (const task of this.#queue.splice(0)) task.reject(new PoolError('closed', 'the check pool is shutting down'))
      await Promise.allSettled(this.#pending)
      await Promise.all(this.#slots.map(async (slot) => await slot.worker.terminate()))
    })()
    return await this.#closing
  }

  #spawn (): Slot {
    const worker = new Worker(this.#url, { name: 'prime-check' })
    let started: { resolve: () => void, reject: (err: Error) => void } | undefined
    const slot: Slot = { worker, ready: false, started: new Promise((resolve, reject) => { started = { resolve, reject } }) }
    slot.started.catch(() => {}) // a replacement's start failure is handled in #exited
    worker.on('message', (msg: CheckTaskReply) => {
      if (msg.type === 'ready') {
        slot.ready = true
        started?.resolve()
        this.#next(slot)
        return
      }
      const task = slot.task
      if (task?.id !== msg.id) return
      slot.task = undefined
      if (msg.type === 'done') task.resolve(msg.answers)
      else task.reject(new PoolError('worker_failed', `the check failed in its worker: ${msg.message}`))
      this.#next(slot)
    })
    worker.on('error', (err) => { slot.error = err }) // 'exit' follows
    worker.on('exit', (code) => {
      const reason = slot.error?.message ?? `exit code ${code}`
      started?.reject(new Error(`a prime check worker failed to start: ${reason}`, { cause: slot.error }))
      this.#exited(slot, reason)
    })
    return slot
  }

  #dispatch (slot: Slot, task: Task): void {
    const id = this.#nextId++
    slot.task = { ...task, id }
    slot.worker.postMessage({ id, numbers: task.numbers } satisfies CheckTask)
  }

  #next (slot: Slot): void {
    const task = this.#queue.shift()
    if (task !== undefined) this.#dispatch(slot, task)
  }

  #exited (slot: Slot, reason: string): void {
    slot.task?.reject(new PoolError('worker_failed', `the worker deciding this number stopped (${reason})`, { cause: slot.error }))
    slot.task = undefined
    const wasReady = slot.ready
    slot.ready = false
    if (this.#closing) return
    const replace = (): void => {
      const i = this.#slots.indexOf(slot)
      if (i >= 0 && !this.#closing) this.#slots[i] = this.#spawn()
    }
    if (wasReady) return replace()
    // It died while starting: waiting tasks might wait forever, so refuse them and retry later.
    for (const task of this.#queue.splice(0)) task.reject(new PoolError('worker_failed', `no check worker could start (${reason})`, { cause: slot.error }))
    setTimeout(replace, RESTART_DELAY_MS).unref()
  }
}
