import { Worker } from 'node:worker_threads'
import { WorkerPoolError, type PoolReply, type PoolRequest, type WorkerPoolOptions } from './worker-protocol.js'
import { workerScript } from './worker-script.js'

interface Waiting<T, R> { task: T, transfer: ArrayBuffer[], resolve: (r: R) => void, reject: (e: Error) => void, signal?: AbortSignal, onAbort?: () => void }
interface Slot { worker: Worker, state: 'starting' | 'ready' | 'dead', running?: { id: number, resolve: (r: never) => void, reject: (e: Error) => void }, error?: Error, loaded: Promise<void>, prepared: Promise<void> }

interface Deferred { promise: Promise<void>, resolve: () => void, reject: (err: Error) => void }
function deferred (): Deferred {
  let settle: Pick<Deferred, 'resolve' | 'reject'> = { resolve: () => {}, reject: () => {} }
  const promise = new Promise<void>((resolve, reject) => { settle = { resolve, reject } })
  promise.catch(() => {}) // awaited by create() and warmedUp only; later failures are handled in #exited
  return { promise, ...settle }
}

const MAX_RESTART_DELAY_MS = 30_000
const CLOSE_WAIT_MS = 5_000

/**
 * A fixed number of worker threads, one task at a time each, with a bounded FIFO queue in front.
 * Supervised: a worker that dies fails only the task it was running (`worker_failed`) and is
 * replaced at once; one that cannot start is tried again with a growing delay, and while no
 * worker is alive the queued tasks are refused rather than left waiting. A task whose signal
 * aborts while it waits leaves the queue without running (`cancelled`).
 */
export class WorkerPool<T, R> {
  readonly size: number
  readonly #opts: WorkerPoolOptions<T, R>
  readonly #url: URL
  readonly #slots: Slot[] = []
  readonly #queue: Array<Waiting<T, R>> = []
  readonly #inflight = new Set<Promise<unknown>>()
  #nextId = 0
  #delay: number
  #info: unknown
  #closing: Promise<void> | undefined
  /** Settles when the first workers are prepared (or one of them failed to). */
  warmedUp: Promise<void> = Promise.resolve()

  private constructor (opts: WorkerPoolOptions<T, R>) {
    this.#opts = opts
    this.size = opts.size
    this.#url = workerScript(opts.script)
    this.#delay = opts.restartDelayMs ?? 1000
    for (let i = 0; i < opts.size; i++) this.#slots.push(this.#spawn())
  }

  /**
   * Starts every worker; resolves once each is ready (loaded), rejects, ending them all, when one
   * cannot start. Their `prepare` goes on after: `warmedUp` says when it is done.
   */
  static async create<T, R> (opts: WorkerPoolOptions<T, R>): Promise<WorkerPool<T, R>> {
    const pool = new WorkerPool(opts)
    try {
      await Promise.all(pool.#slots.map(async (slot) => await slot.loaded))
    } catch (err) {
      await pool.close()
      throw err
    }
    pool.warmedUp = Promise.all(pool.#slots.map(async (slot) => await slot.prepared)).then(() => {})
    pool.warmedUp.catch(() => {})
    return pool
  }

  /** What the first worker said when it was ready (`PoolReply` `ready.info`). */
  get info (): unknown { return this.#info }
  /** Workers ready to take tasks (busy or not). */
  get alive (): number { return this.#slots.filter((s) => s.state === 'ready').length }
  get busy (): number { return this.#slots.filter((s) => s.state === 'ready' && s.running !== undefined).length }
  get idle (): number { return this.alive - this.busy }
  get queueDepth (): number { return this.#queue.length }

  /** Runs `task` on a free worker, or queues it; `transfer` moves those buffers to the worker. */
  async run (task: T, { transfer = [], signal }: { transfer?: ArrayBuffer[], signal?: AbortSignal } = {}): Promise<R> {
    if (this.#closing) throw new WorkerPoolError('closed', `the ${this.#opts.name} pool is shutting down`)
    if (signal?.aborted === true) throw new WorkerPoolError('cancelled', 'the client went away before the task started')
    const free = this.#slots.find((s) => s.state === 'ready' && s.running === undefined)
    if (free !== undefined) return await this.#track(this.#send(free, task, transfer))
    if (this.#queue.length >= this.#opts.maxQueue) {
      throw new WorkerPoolError('queue_full', `every ${this.#opts.name} worker (${this.alive} of ${this.size} alive) is busy and ${this.#queue.length} tasks are waiting`)
    }
    return await this.#track(new Promise<R>((resolve, reject) => {
      const waiting: Waiting<T, R> = { task, transfer, resolve, reject, signal }
      if (signal !== undefined) {
        waiting.onAbort = () => {
          this.#queue.splice(this.#queue.indexOf(waiting), 1)
          reject(new WorkerPoolError('cancelled', 'the client went away while the task waited; it was never run'))
        }
        signal.addEventListener('abort', waiting.onAbort, { once: true })
      }
      this.#queue.push(waiting)
    }))
  }

  /** Refuses queued tasks (`closed`), lets running ones finish, then asks each worker to close (ending it after 5 s). */
  async close (): Promise<void> {
    this.#closing ??= (async () => {
      for (const waiting of this.#queue.splice(0)) this.#settle(waiting, new WorkerPoolError('closed', `the ${this.#opts.name} pool is shutting down`))
      await Promise.allSettled(this.#inflight)
      await Promise.all(this.#slots.map(async (slot) => await this.#stop(slot)))
    })()
    return await this.#closing
  }

  async #track<V> (promise: Promise<V>): Promise<V> {
    this.#inflight.add(promise)
    try { return await promise } finally { this.#inflight.delete(promise) }
  }

  #settle (waiting: Waiting<T, R>, err?: Error, slot?: Slot): void {
    if (waiting.onAbort !== undefined) waiting.signal?.removeEventListener('abort', waiting.onAbort)
    if (err !== undefined) waiting.reject(err)
    else if (slot !== undefined) this.#send(slot, waiting.task, waiting.transfer).then(waiting.resolve, waiting.reject)
  }

  async #send (slot: Slot, task: T, transfer: ArrayBuffer[]): Promise<R> {
    const id = this.#nextId++
    const result = new Promise<R>((resolve, reject) => { slot.running = { id, resolve: resolve as (r: never) => void, reject } })
    slot.worker.postMessage({ type: 'task', id, task } satisfies PoolRequest<T>, transfer)
    return await result
  }

  #spawn (): Slot {
    const worker = new Worker(this.#url, { name: this.#opts.name, workerData: this.#opts.workerData })
    const [loaded, prepared] = [deferred(), deferred()]
    const slot: Slot = { worker, state: 'starting', loaded: loaded.promise, prepared: prepared.promise }
    const failed = (err: Error): void => {
      slot.error ??= err
      loaded.reject(err)
      prepared.reject(err)
      worker.terminate().catch(() => {})
    }
    worker.on('message', (msg: PoolReply<R>) => {
      if (msg.type === 'ready') {
        this.#info ??= msg.info
        loaded.resolve()
        this.#prepare(slot, msg.info).then(prepared.resolve, failed)
      } else if (msg.type === 'start-failed') {
        failed(new Error(msg.message))
      } else if (slot.running?.id === msg.id) {
        const running = slot.running
        slot.running = undefined
        if (msg.type === 'done') running.resolve(msg.result as never)
        else running.reject(new WorkerPoolError('task_failed', msg.message))
        this.#next(slot)
      }
    })
    worker.on('error', (err) => { slot.error ??= err }) // 'exit' follows
    worker.on('exit', (code) => {
      const reason = slot.error?.message ?? `exit code ${code}`
      const err = new Error(`a ${this.#opts.name} worker could not start: ${reason}`, { cause: slot.error })
      loaded.reject(err)
      prepared.reject(err)
      this.#exited(slot, reason)
    })
    return slot
  }

  async #prepare (slot: Slot, info: unknown): Promise<void> {
    await this.#opts.prepare?.(async (task, transfer = []) => await this.#send(slot, task, transfer), info)
    if (slot.state !== 'starting') return
    slot.state = 'ready'
    this.#delay = this.#opts.restartDelayMs ?? 1000
    this.#next(slot)
  }

  #next (slot: Slot): void {
    if (slot.state !== 'ready' || slot.running !== undefined) return
    const waiting = this.#queue.shift()
    if (waiting !== undefined) this.#settle(waiting, undefined, slot)
    else this.#opts.events?.idle?.()
  }

  #exited (slot: Slot, reason: string): void {
    const wasReady = slot.state === 'ready'
    slot.state = 'dead'
    const running = slot.running
    slot.running = undefined
    running?.reject(new WorkerPoolError('worker_failed', `the ${this.#opts.name} worker running this task stopped (${reason})`, { cause: slot.error }))
    if (this.#closing) return
    const replace = (): void => {
      const i = this.#slots.indexOf(slot)
      if (i >= 0 && !this.#closing) this.#slots[i] = this.#spawn()
    }
    if (wasReady) {
      this.#opts.events?.exited?.(reason, running !== undefined)
      return replace()
    }
    // It could not start: with no worker alive, waiting tasks would wait for nothing.
    if (this.alive === 0) {
      for (const waiting of this.#queue.splice(0)) this.#settle(waiting, new WorkerPoolError('worker_failed', `no ${this.#opts.name} worker could start (${reason})`, { cause: slot.error }))
    }
    const delay = this.#delay
    this.#delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS)
    this.#opts.events?.startFailed?.(reason, delay)
    setTimeout(replace, delay).unref()
  }

  async #stop (slot: Slot): Promise<void> {
    if (slot.state === 'dead') return
    const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()))
    slot.worker.postMessage({ type: 'close' } satisfies PoolRequest<T>)
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())])
    await slot.worker.terminate()
  }
}
