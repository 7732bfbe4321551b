import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Batcher, BatcherError, runnersOf } from '../src/lib/batcher.js'
import { ModelSession } from '../src/lib/session.js'
import { MODELS_DIR } from './model.js'

const modelPath = join(MODELS_DIR, 'mobilenetv2-12-int8.onnx')
const ITEM = 3 * 224 * 224

async function openSession (): Promise<ModelSession> {
  const session = await ModelSession.create({ modelPath, executionProvider: 'cpu', intraOpThreads: 1 })
  onTestFinished(async () => { await session.close() })
  return session
}

/** A deterministic, image-like input: a different smooth pattern per seed. */
function pattern (seed: number): Float32Array {
  const out = new Float32Array(ITEM)
  for (let i = 0; i < ITEM; i++) out[i] = Math.sin(i * 0.001 * (seed + 1)) * 2
  return out
}

describe('ModelSession', () => {
  it('reads input and output names from the model and runs a batch in its worker', async () => {
    const session = await openSession()
    expect(session).toMatchObject({ provider: 'cpu', inputName: 'input', outputName: 'output' })
    const result = await session.run(new Float32Array(2 * ITEM), [2, 3, 224, 224])
    expect(result.dims).toEqual([2, 1000])
    expect(result.data).toHaveLength(2000)
  })

  it('fails to start with a message naming the model when the file is not an ONNX model', async () => {
    await expect(ModelSession.create({ modelPath: join(MODELS_DIR, 'imagenet-labels.json'), executionProvider: 'cpu', intraOpThreads: 1 }))
      .rejects.toThrow(/imagenet-labels\.json/)
  })

  it('refuses to run after close', async () => {
    const session = await openSession()
    await session.close()
    await expect(session.run(new Float32Array(ITEM), [1, 3, 224, 224])).rejects.toThrow(/shutting down/)
  })
})

describe('Batcher with a real session', () => {
  it('maps each row of a batch back to its own request, matching single runs', async () => {
    const session = await openSession()
    const singles = await Promise.all([0, 1, 2, 3].map(async (seed) => (await session.run(pattern(seed), [1, 3, 224, 224])).data))
    const batcher = new Batcher({ runner: runnersOf([session]), itemShape: [3, 224, 224], maxBatchSize: 4, maxQueueDelayMs: 1000, maxQueue: 8 })
    batcher.start()
    const results = await Promise.all([0, 1, 2, 3].map(async (seed) => await batcher.submit(pattern(seed), 10_000)))
    results.forEach((r, i) => {
      expect(r.batchSize).toBe(4)
      for (let j = 0; j < 1000; j++) expect(r.output[j]).toBeCloseTo(singles[i]![j]!, 4)
    })
    await batcher.close()
  })

  it('drops an item that timed out while queued, without computing it', async () => {
    const session = await openSession()
    const batches: number[] = []
    const batcher = new Batcher({ runner: runnersOf([session]), itemShape: [3, 224, 224], maxBatchSize: 4, maxQueueDelayMs: 0, maxQueue: 8, observer: { batch: (n) => batches.push(n) } })
    // Not started yet (as during warm-up): the item can only wait.
    await expect(batcher.submit(pattern(0), 30)).rejects.toMatchObject({ kind: 'timeout' })
    expect(batcher.depth).toBe(0)
    batcher.start()
    await batcher.close()
    expect(batches).toEqual([])
  })

  it('refuses at once when the queue is full and after close', async () => {
    const session = await openSession()
    const batcher = new Batcher({ runner: runnersOf([session]), itemShape: [3, 224, 224], maxBatchSize: 4, maxQueueDelayMs: 0, maxQueue: 2 })
    const waiting = [batcher.submit(pattern(0), 10_000), batcher.submit(pattern(1), 10_000)]
    await expect(batcher.submit(pattern(2), 10_000)).rejects.toBeInstanceOf(BatcherError)
    await expect(batcher.submit(pattern(2), 10_000)).rejects.toMatchObject({ kind: 'queue_full' })
    const closed = batcher.close()
    // close() runs what was queued, even though the batcher was never started.
    expect((await Promise.all(waiting)).map((r) => r.output.length)).toEqual([1000, 1000])
    await closed
    await expect(batcher.submit(pattern(3), 10_000)).rejects.toMatchObject({ kind: 'closed' })
  })
})
