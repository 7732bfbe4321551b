import type { RunResult } from './session.js'

/** Anything that runs a batch: a ModelSession, or a test double in the bench. */
export interface BatchRunner { run: (data: Float32Array, dims: number[]) => Promise<RunResult> }

/** Hooks for metrics; every one optional. */
export interface BatchObserver {
  queued?: (depth: number) => void
  batch?: (size: number, inferenceSeconds: number) => void
  waited?: (seconds: number) => void
}

export interface BatcherOptions {
  runners: BatchRunner[]
  /** Shape of one item without the batch dimension, e.g. [3, 224, 224]. */
  itemShape: number[]
  maxBatchSize: number
  maxQueueDelayMs: number
  maxQueue: number
  observer?: BatchObserver
}

export class BatcherError extends Error {
  constructor (readonly kind: 'queue_full' | 'timeout' | 'closed' | 'failed', message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'BatcherError'
  }
}

export interface BatchResult {
  /** This item's row of the model output. */
  output: Float32Array
  batchSize: number
  queueMs: number
  inferenceMs: number
}

interface Item {
  data: Float32Array
  enqueuedAt: number
  state: 'queued' | 'running' | 'done'
  timer: NodeJS.Timeout
  resolve: (r: BatchResult) => void
  reject: (e: Error) => void
}

/**
 * Dynamic batcher (like Triton's): items wait in a bounded FIFO queue and run
 * together when `maxBatchSize` have gathered or the oldest has waited
 * `maxQueueDelayMs`, whichever comes first. Each runner has at most one batch
 * in flight, so under load the queue fills and batches grow.
 */
export class Batcher {
  readonly #opts: BatcherOptions
  readonly #itemSize: number
  readonly #queue: Item[] = []
  readonly #idle: BatchRunner[]
  readonly #running = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #started = false
  #closing = false

  constructor (opts: BatcherOptions) {
    if (opts.runners.length === 0) throw new Error('a batcher needs at least one runner')
    this.#opts = opts
    this.#itemSize = opts.itemShape.reduce((a, b) => a * b, 1)
    this.#idle = [...opts.runners]
  }

  /** Images waiting for a runner. */
  get depth (): number { return this.#queue.length }

  /** Begins running batches (call after warm-up); items submitted before wait. */
  start (): void {
    this.#started = true
    this.#pump()
  }

  /** Queues one item; rejects with BatcherError at once when the queue is full, or after `timeoutMs`. */
  async submit (data: Float32Array, timeoutMs: number): Promise<BatchResult> {
    if (this.#closing) throw new BatcherError('closed', 'the classifier is shutting down')
    if (data.length !== this.#itemSize) throw new Error(`item has ${data.length} values, expected ${this.#itemSize}`)
    if (this.#queue.length >= this.#opts.maxQueue) {
      throw new BatcherError('queue_full', `the queue is full (${this.#opts.maxQueue} images waiting, MAX_QUEUE); retry shortly`)
    }
    return await new Promise<BatchResult>((resolve, reject) => {
      const item: Item = { data, enqueuedAt: performance.now(), state: 'queued', resolve, reject, timer: setTimeout(() => this.#expire(item, timeoutMs), timeoutMs) }
      this.#queue.push(item)
      this.#opts.observer?.queued?.(this.#queue.length)
      this.#pump()
    })
  }

  /** Stops accepting, runs everything queued without waiting for batches to fill, and waits for running batches. */
  async close (): Promise<void> {
    this.#closing = true
    this.#started = true
    this.#pump()
    while (this.#running.size > 0 || this.#queue.length > 0) {
      await Promise.allSettled(this.#running)
      this.#pump()
    }
    clearTimeout(this.#timer)
  }

  #expire (item: Item, timeoutMs: number): void {
    if (item.state === 'done') return
    if (item.state === 'queued') {
      // Dropped from the queue: never computed.
      this.#queue.splice(this.#queue.indexOf(item), 1)
      this.#opts.observer?.queued?.(this.#queue.length)
    }
    item.state = 'done'
    item.reject(new BatcherError('timeout', `no result within ${timeoutMs} ms (REQUEST_TIMEOUT_MS); the classifier is overloaded`))
  }

  #pump (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (!this.#started) return
    while (this.#queue.length > 0 && this.#idle.length > 0) {
      const waited = performance.now() - this.#queue[0]!.enqueuedAt
      if (!this.#closing && this.#queue.length < this.#opts.maxBatchSize && waited < this.#opts.maxQueueDelayMs) {
        this.#timer = setTimeout(() => this.#pump(), this.#opts.maxQueueDelayMs - waited)
        return
      }
      this.#launch(this.#idle.pop()!, this.#queue.splice(0, this.#opts.maxBatchSize))
    }
  }

  #launch (runner: BatchRunner, items: Item[]): void {
    const { observer, itemShape } = this.#opts
    observer?.queued?.(this.#queue.length)
    const startedAt = performance.now()
    const batch = new Float32Array(items.length * this.#itemSize)
    items.forEach((item, i) => {
      item.state = 'running'
      batch.set(item.data, i * this.#itemSize)
      observer?.waited?.((startedAt - item.enqueuedAt) / 1000)
    })
    const done = runner.run(batch, [items.length, ...itemShape]).then((result) => {
      observer?.batch?.(items.length, result.ms / 1000)
      const row = result.data.length / items.length
      items.forEach((item, i) => {
        if (item.state === 'done') return
        item.state = 'done'
        clearTimeout(item.timer)
        item.resolve({ output: result.data.subarray(i * row, (i + 1) * row), batchSize: items.length, queueMs: startedAt - item.enqueuedAt, inferenceMs: result.ms })
      })
    }, (err: unknown) => {
      for (const item of items) {
        if (item.state === 'done') continue
        item.state = 'done'
        clearTimeout(item.timer)
        item.reject(new BatcherError('failed', (err as Error).message, { cause: err }))
      }
    }).finally(() => {
      this.#running.delete(done)
      this.#idle.push(runner)
      this.#pump()
    })
    this.#running.add(done)
  }
}
