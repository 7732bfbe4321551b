import type { ModelSession } from '../src/lib/session.js'
import { Recorder, until, type Measurement } from './stats.js'

const ITEM = 3 * 224 * 224
const WARMUP_RUNS = 2

function batchOf (tensors: Float32Array[], first: number, size: number): Float32Array {
  const batch = new Float32Array(size * ITEM)
  for (let i = 0; i < size; i++) batch.set(tensors[(first + i) % tensors.length]!, i * ITEM)
  return batch
}

/**
 * (a) The ceiling of inference alone: batches of ready-made tensors, one run
 * in flight (as the service's single worker has), each image's latency is its
 * batch's run time.
 */
export async function rawLoop (session: ModelSession, tensors: Float32Array[], batchSize: number, seconds: number): Promise<Measurement> {
  for (let i = 0; i < WARMUP_RUNS; i++) await session.run(batchOf(tensors, 0, batchSize), [batchSize, 3, 224, 224])
  const rec = new Recorder()
  const until = performance.now() + seconds * 1000
  // At least three runs, however slow: one or two batches say little.
  for (let next = 0; performance.now() < until || next < 3 * batchSize; next += batchSize) {
    const batch = batchOf(tensors, next, batchSize)
    const t0 = performance.now()
    await session.run(batch, [batchSize, 3, 224, 224])
    rec.add(performance.now() - t0, batchSize)
  }
  return rec.finish()
}

export interface PipelineOptions {
  batchSize: number
  /** Images being preprocessed at once (sharp runs them in libuv's threadpool). */
  concurrency: number
  seconds: number
  /** Encoded image -> input tensor: the service's preprocess(), or the code it replaced. */
  prepare: (image: Buffer) => Promise<Float32Array>
}

/**
 * (b) The ceiling of this pipeline without HTTP: `concurrency`
 * preprocessing jobs (sharp) always in flight feed fixed-size batches to the session;
 * preprocessing of the next batch overlaps the current run. Latency runs from
 * the start of an image's preprocessing to its batch's result.
 */
export async function pipelineLoop (session: ModelSession, photos: Buffer[], opts: PipelineOptions): Promise<Measurement> {
  const { batchSize } = opts
  const ready: Array<{ tensor: Float32Array, start: number }> = []
  const waiting: Array<() => void> = []
  const wake = (): void => { for (const w of waiting.splice(0)) w() }
  let running: Promise<void> | undefined
  const state: { rec?: Recorder, stop: boolean, failure?: unknown, completed: number } = { stop: false, completed: 0 }
  let next = 0

  const launch = (): void => {
    if (running || ready.length < batchSize) return
    const items = ready.splice(0, batchSize)
    wake()
    const batch = new Float32Array(batchSize * ITEM)
    items.forEach((item, i) => batch.set(item.tensor, i * ITEM))
    running = session.run(batch, [batchSize, 3, 224, 224]).then(() => {
      const now = performance.now()
      for (const item of items) state.rec?.add(now - item.start)
      state.completed += items.length
    }, (err: unknown) => { state.failure ??= err }).finally(() => {
      running = undefined
      if (!state.stop) launch()
    })
  }

  const producer = async (): Promise<void> => {
    while (!state.stop && state.failure === undefined) {
      // One batch waiting while one runs keeps the session busy; more would only add latency.
      while (ready.length >= batchSize && !state.stop) await new Promise<void>((resolve) => waiting.push(resolve))
      if (state.stop) return
      const start = performance.now()
      try {
        ready.push({ tensor: await opts.prepare(photos[next++ % photos.length]!), start })
      } catch (err) {
        state.failure ??= err
      }
      launch()
    }
  }

  const producers = Array.from({ length: opts.concurrency }, () => producer())
  // Warm-up: until the pipeline is full and a batch has come back.
  await until(() => state.completed >= batchSize || state.failure !== undefined)
  const rec = state.rec = new Recorder()
  const result = await rec.window(opts.seconds, 3 * batchSize)
  state.stop = true
  wake()
  await Promise.allSettled(producers)
  await running
  if (state.failure !== undefined) throw state.failure
  return result
}
