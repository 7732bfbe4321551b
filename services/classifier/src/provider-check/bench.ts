import type { ModelSession } from '../lib/session.js'
import { gpuMemoryUsedMiB } from './nvidia-smi.js'

/** Runs per batch size before measuring: cuDNN picks its algorithms for each new input shape. */
export const WARMUP_RUNS = 3

export interface BatchFigure {
  batch: number
  runs: number
  imagesPerSec: number
  p50Ms: number
  p99Ms: number
  gpuMemMiB: number | null
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
const round = (v: number): number => Math.round(v * 100) / 100

/**
 * Times `session.run()` (inside the worker: the provider's own time, no
 * message passing) at each batch size on ready tensors, one run in flight as
 * in the service. Every batch size is warmed up first.
 */
export async function benchBatches (session: ModelSession, tensors: Float32Array[], itemDims: number[], batches: number[], runs: number): Promise<BatchFigure[]> {
  const item = tensors[0]!.length
  const out: BatchFigure[] = []
  for (const batch of batches) {
    const make = (): Float32Array => {
      const data = new Float32Array(batch * item)
      for (let i = 0; i < batch; i++) data.set(tensors[i % tensors.length]!, i * item)
      return data
    }
    const dims = [batch, ...itemDims]
    for (let i = 0; i < WARMUP_RUNS; i++) await session.run(make(), dims)
    const times: number[] = []
    for (let i = 0; i < runs; i++) times.push((await session.run(make(), dims)).ms)
    times.sort((a, b) => a - b)
    const p50 = quantile(times, 0.5)
    out.push({ batch, runs, imagesPerSec: round(batch * 1000 / p50), p50Ms: round(p50), p99Ms: round(quantile(times, 0.99)), gpuMemMiB: await gpuMemoryUsedMiB() })
    process.stderr.write(`batch ${batch}: p50 ${round(p50)} ms, ${round(batch * 1000 / p50)} img/s\n`)
  }
  return out
}
