import { BatcherError, type BatcherOptions, type BatchResult } from './batch-types.js'

export { BatcherError, runnersOf, type BatchObserver, type BatcherOptions, type BatchResult, type BatchRunner } from './batch-types.js'

interface Item {
  data: Float32Array
  enqueuedAt: number
  state: 'queued' | 'running' | 'done'
  timer: NodeJS.Timeout
  resolve: (r: BatchResult) => void
  reject: (e: Error) => void
  signal?: AbortSignal
  onAbort?: () => void
}

/**
 * Dynamic batcher (like Triton's): items wait in a bounded FIFO queue and run
 * together when `maxBatchSize` have gathered or the oldest has waited
 * `maxQueueDelayMs`, whichever comes first. A batch starts only on a free
 * worker, so under load the queue fills and batches grow. An item whose client
 * went away (its signal aborted) leaves the queue without being computed.
 */
export class Batcher {
  readonly #opts: BatcherOptions
  readonly #itemSize: number
  readonly #queue: Item[] = []
  readonly #running = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #started = false
  #closing = false
  #batchMs: number | undefined

  constructor (opts: BatcherOptions) {
    if (opts.runner.size === 0) throw new Error('a batcher needs at least one runner')
    this.#opts = opts
    this.#itemSize = opts.itemShape.reduce((a, b) => a * b, 1)
  }

  /** Images waiting for a runner. */
  get depth (): number { return this.#queue.length }
  get full (): boolean { return this.#queue.length >= this.#opts.maxQueue }

  /** Begins running batches (call after warm-up); items submitted before wait. */
  start (): void {
    this.#started = true
    this.#pump()
  }

  /** A worker became free outside a batch's end (a replacement is ready): start what can start. */
  wake (): void { this.#pump() }

  /** Queues one item; rejects with BatcherError at once when the queue is full, after `timeoutMs`, or when `signal` aborts. */
  async submit (data: Float32Array, timeoutMs: number, signal?: AbortSignal): Promise<BatchResult> {
    if (this.#closing) throw new BatcherError('closed', 'the classifier is shutting down')
    if (data.length !== this.#itemSize) throw new Error(`item has ${data.length} values, expected ${this.#itemSize}`)
    if (signal?.aborted === true) {
      this.#opts.observer?.dropped?.(false)
      throw new BatcherError('cancelled', 'the client went away before its image was queued')
    }
    if (this.full) {
      const { maxQueue, maxBatchSize } = this.#opts
      const retryAfterMs = this.#batchMs === undefined ? undefined : this.#batchMs * Math.ceil(Math.ceil((this.#queue.length + 1) / maxBatchSize) / this.#opts.runner.size)
      throw new BatcherError('queue_full', `the queue is full (${maxQueue} images waiting, MAX_QUEUE); retry shortly`, { retryAfterMs })
    }
    return await new Promise<BatchResult>((resolve, reject) => {
      const item: Item = { data, enqueuedAt: performance.now(), state: 'queued', resolve, reject, signal, timer: setTimeout(() => this.#expire(item, timeoutMs), timeoutMs) }
      if (signal !== undefined) {
        item.onAbort = () => this.#drop(item)
        signal.addEventListener('abort', item.onAbort, { once: true })
      }
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
    this.#finish(item, new BatcherError('timeout', `no result within ${timeoutMs} ms (REQUEST_TIMEOUT_MS); the classifier is overloaded`))
  }

  #drop (item: Item): void {
    if (item.state !== 'done') this.#opts.observer?.dropped?.(item.state === 'running')
    this.#finish(item, new BatcherError('cancelled', 'the client went away before its result'))
  }

  /** Answers an item once: a queued one leaves the queue (never computed), a running one's row is discarded. */
  #finish (item: Item, outcome: Error | BatchResult): void {
    if (item.state === 'done') return
    if (item.state === 'queued') {
      this.#queue.splice(this.#queue.indexOf(item), 1)
      this.#opts.observer?.queued?.(this.#queue.length)
    }
    item.state = 'done'
    clearTimeout(item.timer)
    if (item.onAbort !== undefined) item.signal?.removeEventListener('abort', item.onAbort)
    if (outcome instanceof Error) item.reject(outcome)
    else item.resolve(outcome)
  }

  #pump (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (!this.#started) return
    while (this.#queue.length > 0 && this.#opts.runner.idle > 0) {
      const waited = performance.now() - this.#queue[0]!.enqueuedAt
      if (!this.#closing && this.#queue.length < this.#opts.maxBatchSize && waited < this.#opts.maxQueueDelayMs) {
        this.#timer = setTimeout(() => this.#pump(), this.#opts.maxQueueDelayMs - waited)
        return
      }
      this.#launch(this.#queue.splice(0, this.#opts.maxBatchSize))
    }
  }

  #launch (items: Item[]): void {
    const { observer, itemShape } = this.#opts
    observer?.queued?.(this.#queue.length)
    const startedAt = performance.now()
    const batch = new Float32Array(items.length * this.#itemSize)
    items.forEach((item, i) => {
      item.state = 'running'
      batch.set(item.data, i * this.#itemSize)
      observer?.waited?.((startedAt - item.enqueuedAt) / 1000)
    })
    const done = this.#opts.runner.run(batch, [items.length, ...itemShape]).then((result) => {
      observer?.batch?.(items.length, result.ms / 1000)
      this.#batchMs = this.#batchMs === undefined ? result.ms : 0.8 * this.#batchMs + 0.2 * result.ms
      const row = result.data.length / items.length
      items.forEach((item, i) => this.#finish(item, { output: result.data.subarray(i * row, (i + 1) * row), batchSize: items.length, queueMs: startedAt - item.enqueuedAt, inferenceMs: result.ms }))
    }, (err: unknown) => {
      observer?.failed?.(items.length, err)
      for (const item of items) this.#finish(item, new BatcherError('failed', (err as Error).message, { cause: err }))
    }).finally(() => {
      this.#running.delete(done)
      this.#pump()
    })
    this.#running.add(done)
  }
}
