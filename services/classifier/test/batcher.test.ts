import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { Batcher, BatcherError, runnersOf, type BatcherOptions } from '../src/lib/batcher.js'
import type { RunResult } from '../src/lib/session.js'

/** A runner that answers each item's row as [first value × 10], when the test releases it (or at once). */
class FakeRunner {
  readonly batches: number[][] = []
  #release: Array<() => void> = []
  constructor (readonly manual = false, readonly failWith?: Error) {}

  async run (data: Float32Array, dims: number[]): Promise<RunResult> {
    const n = dims[0]!
    const itemSize = data.length / n
    this.batches.push(Array.from({ length: n }, (_, i) => data[i * itemSize]!))
    if (this.manual) await new Promise<void>((resolve) => this.#release.push(resolve))
    if (this.failWith) throw this.failWith
    return { data: Float32Array.from({ length: n }, (_, i) => data[i * itemSize]! * 10), dims: [n, 1], ms: 1 }
  }

  /** Lets the oldest batch in flight finish. */
  release (): void { this.#release.shift()?.() }
  get inFlight (): number { return this.#release.length }
}

const ITEM = [2, 2]
const item = (value: number): Float32Array => new Float32Array(4).fill(value)

function batcher (runners: FakeRunner[], opts: Partial<BatcherOptions> = {}): Batcher {
  const b = new Batcher({ runner: runnersOf(runners), itemShape: ITEM, maxBatchSize: 4, maxQueueDelayMs: 20, maxQueue: 16, ...opts })
  b.start()
  return b
}

const kindOf = async (p: Promise<unknown>): Promise<string> => await p.then(() => 'resolved', (err: unknown) => err instanceof BatcherError ? err.kind : String(err))

describe('Batcher', () => {
  it('runs a batch as soon as maxBatchSize items have gathered, and gives each item its own row', async () => {
    const runner = new FakeRunner()
    const b = batcher([runner], { maxQueueDelayMs: 60_000 })
    const results = await Promise.all([1, 2, 3, 4].map(async (v) => await b.submit(item(v), 10_000)))
    expect(runner.batches).toEqual([[1, 2, 3, 4]])
    expect(results.map((r) => [r.output[0], r.batchSize])).toEqual([[10, 4], [20, 4], [30, 4], [40, 4]])
  })

  it('runs a partial batch once the oldest item has waited maxQueueDelayMs', async () => {
    const runner = new FakeRunner()
    const b = batcher([runner], { maxQueueDelayMs: 50 })
    const both = Promise.all([b.submit(item(1), 10_000), b.submit(item(2), 10_000)])
    await sleep(5)
    expect([runner.batches, b.depth]).toEqual([[], 2])
    const [a, c] = await both
    expect(runner.batches).toEqual([[1, 2]])
    expect([a.output[0], c.output[0]]).toEqual([10, 20])
  })

  it('runs nothing before start(): items submitted during warm-up wait for it', async () => {
    const runner = new FakeRunner()
    const b = new Batcher({ runner: runnersOf([runner]), itemShape: ITEM, maxBatchSize: 1, maxQueueDelayMs: 0, maxQueue: 4 })
    const result = b.submit(item(5), 10_000)
    await sleep(20)
    expect([runner.batches, b.depth]).toEqual([[], 1])
    b.start()
    expect((await result).output[0]).toBe(50)
  })

  it('keeps one batch in flight per runner, so the queue fills while they run and the next batch is larger', async () => {
    const runner = new FakeRunner(true)
    const b = batcher([runner], { maxBatchSize: 8, maxQueueDelayMs: 0 })
    const first = b.submit(item(1), 10_000)
    await sleep(5)
    const rest = [2, 3, 4].map(async (v) => await b.submit(item(v), 10_000))
    await sleep(5)
    expect([runner.inFlight, b.depth]).toEqual([1, 3])
    runner.release()
    await first
    await sleep(5)
    runner.release()
    await Promise.all(rest)
    expect(runner.batches).toEqual([[1], [2, 3, 4]])
  })

  it('spreads batches over its runners, each with one batch in flight', async () => {
    const runners = [new FakeRunner(true), new FakeRunner(true)]
    const b = batcher(runners, { maxBatchSize: 2, maxQueueDelayMs: 0 })
    const state = { settled: false }
    const all = Promise.all([1, 2, 3, 4].map(async (v) => await b.submit(item(v), 10_000))).finally(() => { state.settled = true })
    await sleep(5)
    // Nothing to wait for (no queue delay): the first two items left at once, one per runner.
    expect(runners.map((r) => r.inFlight)).toEqual([1, 1])
    expect(b.depth).toBe(2)
    while (!state.settled) {
      for (const r of runners) r.release()
      await sleep(5)
    }
    expect((await all).map((r) => r.output[0])).toEqual([10, 20, 30, 40])
    expect(runners.flatMap((r) => r.batches).flat().sort()).toEqual([1, 2, 3, 4])
  })

  it('refuses an item at once with queue_full when maxQueue items are waiting', async () => {
    const runner = new FakeRunner(true)
    const b = batcher([runner], { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueue: 2 })
    const running = b.submit(item(1), 10_000)
    await sleep(5)
    const queued = [b.submit(item(2), 10_000), b.submit(item(3), 10_000)]
    const refused = b.submit(item(4), 10_000)
    expect(await kindOf(refused)).toBe('queue_full')
    await expect(refused).rejects.toThrow('the queue is full (2 images waiting, MAX_QUEUE); retry shortly')
    for (let i = 0; i < 3; i++) { runner.release(); await sleep(5) }
    expect((await Promise.all([running, ...queued])).map((r) => r.output[0])).toEqual([10, 20, 30])
  })

  it('answers timeout after timeoutMs and drops a queued item, which never runs', async () => {
    const runner = new FakeRunner(true)
    const depths: number[] = []
    const b = batcher([runner], { maxBatchSize: 1, maxQueueDelayMs: 0, observer: { queued: (d) => depths.push(d) } })
    const running = b.submit(item(1), 10_000)
    await sleep(5)
    const late = b.submit(item(2), 30)
    expect(await kindOf(late)).toBe('timeout')
    expect(b.depth).toBe(0)
    runner.release()
    await running
    await sleep(5)
    expect(runner.batches).toEqual([[1]])
    expect(depths.at(-1)).toBe(0)
  })

  it('fails the items of a batch whose run fails with failed, keeping the runner\'s error as the cause, tells its observer, and goes on', async () => {
    const broken = new Error('CUDA out of memory')
    const failed: Array<[number, unknown]> = []
    const b = batcher([new FakeRunner(false, broken)], { maxBatchSize: 2, maxQueueDelayMs: 0, observer: { failed: (size, err) => failed.push([size, err]) } })
    const failure = await b.submit(item(1), 10_000).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(BatcherError)
    expect(failure).toMatchObject({ kind: 'failed', message: 'CUDA out of memory', cause: broken })
    expect(await kindOf(b.submit(item(2), 10_000))).toBe('failed')
    expect(failed).toEqual([[1, broken], [1, broken]])
  })

  it('drops a queued item whose client went away: it leaves the queue and never runs', async () => {
    const runner = new FakeRunner(true)
    const dropped: boolean[] = []
    const b = batcher([runner], { maxBatchSize: 1, maxQueueDelayMs: 0, observer: { dropped: (running) => dropped.push(running) } })
    const running = b.submit(item(1), 10_000)
    await sleep(5)
    const controller = new AbortController()
    const gone = b.submit(item(2), 10_000, controller.signal)
    const next = b.submit(item(3), 10_000)
    controller.abort()
    expect(await kindOf(gone)).toBe('cancelled')
    expect(b.depth).toBe(1)
    runner.release()
    await running
    await sleep(5)
    runner.release()
    expect((await next).output[0]).toBe(30)
    expect(runner.batches).toEqual([[1], [3]])
    expect(dropped).toEqual([false])
    expect(await kindOf(b.submit(item(4), 10_000, AbortSignal.abort()))).toBe('cancelled')
    expect(dropped).toEqual([false, false])
  })

  it('discards the row of a running item whose client went away; the others of its batch get theirs', async () => {
    const runner = new FakeRunner(true)
    const dropped: boolean[] = []
    const b = batcher([runner], { maxBatchSize: 2, maxQueueDelayMs: 1000, observer: { dropped: (running) => dropped.push(running) } })
    const controller = new AbortController()
    const gone = b.submit(item(1), 10_000, controller.signal)
    const stays = b.submit(item(2), 10_000)
    await sleep(5)
    expect(runner.batches).toEqual([[1, 2]])
    controller.abort()
    expect(await kindOf(gone)).toBe('cancelled')
    runner.release()
    expect((await stays).output[0]).toBe(20)
    expect(dropped).toEqual([true])
  })

  it('says when to retry a queue_full from the pace of its batches', async () => {
    const runner = new FakeRunner(true)
    const b = batcher([runner], { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueue: 1 })
    const first = b.submit(item(1), 10_000)
    await sleep(5)
    const queued = b.submit(item(2), 10_000)
    // No batch has ended yet: no pace to go by.
    expect(await b.submit(item(3), 10_000).catch((err: unknown) => (err as BatcherError).retryAfterMs)).toBeUndefined()
    runner.release()
    await first
    await sleep(5)
    const third = b.submit(item(3), 10_000)
    // Batches of 1 ms (FakeRunner's): one batch ahead, and this one.
    expect(await b.submit(item(4), 10_000).catch((err: unknown) => (err as BatcherError).retryAfterMs)).toBe(2)
    runner.release()
    await queued
    await sleep(5)
    runner.release()
    await third
  })

  it('on close, runs what is queued without waiting for batches to fill, then refuses new items with closed', async () => {
    const runner = new FakeRunner()
    const b = batcher([runner], { maxBatchSize: 8, maxQueueDelayMs: 60_000 })
    const queued = [1, 2, 3].map(async (v) => await b.submit(item(v), 60_000))
    await b.close()
    expect((await Promise.all(queued)).map((r) => r.output[0])).toEqual([10, 20, 30])
    expect(await kindOf(b.submit(item(4), 10_000))).toBe('closed')
  })

  it('tells its observer the queue depth, each batch\'s size and inference time, and each item\'s wait', async () => {
    const seen = { queued: [] as number[], batches: [] as number[], waited: 0 }
    const b = batcher([new FakeRunner()], {
      maxBatchSize: 2,
      maxQueueDelayMs: 0,
      observer: { queued: (d) => seen.queued.push(d), batch: (size) => seen.batches.push(size), waited: () => { seen.waited++ } }
    })
    await Promise.all([b.submit(item(1), 10_000), b.submit(item(2), 10_000)])
    expect(seen.batches.reduce((a, c) => a + c, 0)).toBe(2)
    expect(seen.waited).toBe(2)
    expect(seen.queued.at(-1)).toBe(0)
  })

  it('refuses an item of the wrong size, and needs a runner', async () => {
    const b = batcher([new FakeRunner()])
    await expect(b.submit(new Float32Array(3), 1000)).rejects.toThrow('item has 3 values, expected 4')
    expect(() => new Batcher({ runner: runnersOf([]), itemShape: ITEM, maxBatchSize: 1, maxQueueDelayMs: 0, maxQueue: 1 })).toThrow('a batcher needs at least one runner')
  })
})
