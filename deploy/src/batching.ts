/** Batch sizes the planner considers; every one is warmed up at start, so keep the list short. */
export const BATCH_SIZES = [1, 2, 4, 8, 16, 32] as const

export interface BatchChoice {
  batch: number
  runMs: number
  imagesPerSec: number
  /** False when even batch 1 does not fit the latency budget. */
  fitsSlo: boolean
}

/**
 * Picks MAX_BATCH_SIZE from a batch run-time curve.
 *
 * Latency budget: a request waits for the batch ahead (one run), its own
 * queue delay (at most half a run) and its own run, after its decode:
 * decodeMs + 2.5 × run(b) must stay within half the SLO; the other half is
 * left for queueing. `bMax` is the largest batch that fits.
 *
 * Throughput: b / run(b) rises with b as the fixed per-run cost is shared.
 * The choice is the smallest batch reaching `efficiency` of the throughput at
 * bMax, or `enough` images/s (what the rest of the pipeline can feed it),
 * whichever comes first: larger batches only add latency.
 */
export function chooseBatch (runMs: (b: number) => number, options: { sloMs: number, decodeMs: number, efficiency: number, enough?: number }): BatchChoice {
  const thr = (b: number): number => b * 1000 / runMs(b)
  const fits = BATCH_SIZES.filter((b) => options.decodeMs + 2.5 * runMs(b) <= options.sloMs / 2)
  const bMax = fits.at(-1)
  if (bMax === undefined) return { batch: 1, runMs: runMs(1), imagesPerSec: thr(1), fitsSlo: false }
  const goal = Math.min(options.efficiency * thr(bMax), options.enough ?? Infinity)
  const batch = fits.find((b) => thr(b) >= goal) ?? bMax
  return { batch, runMs: runMs(batch), imagesPerSec: thr(batch), fitsSlo: true }
}

/**
 * MAX_QUEUE_DELAY_MS: how long the batcher waits for companions once a
 * request is first in line. Half a batch run at most (under load, requests
 * gather while the previous batch runs anyway; the delay only matters at low
 * load, where it costs at most that), and no more than 5 % of the SLO.
 * Zero at batch 1: there is nothing to wait for.
 */
export function queueDelayMs (batch: number, runMs: number, sloMs: number): number {
  if (batch === 1) return 0
  return Math.max(1, Math.min(Math.ceil(runMs / 2), Math.floor(sloMs / 20)))
}

export interface QueuePlan {
  maxQueue: number
  retryAfterS: number
  /** decode + queue delay + batch run: the latency of a request that finds no queue. */
  serviceMs: number
  /** True when the service time alone exceeds the SLO. */
  sloBelowService: boolean
}

/**
 * MAX_QUEUE from Little's law: a request that finds Q requests ahead waits
 * Q / throughput, so it still meets the SLO while
 * Q <= throughput × (SLO - service time). Beyond that the batcher answers 503
 * at once, with Retry-After = the time to drain a full queue (at least 1 s).
 * The queue never drops below one batch, or batches could not form.
 */
export function sizeQueue (imagesPerSec: number, sloMs: number, serviceMs: number, batch: number): QueuePlan {
  const room = (sloMs - serviceMs) / 1000
  const maxQueue = Math.max(batch, Math.floor(imagesPerSec * Math.max(0, room)))
  const retryAfterS = Math.max(1, Math.ceil(maxQueue / Math.max(imagesPerSec, 1e-9)))
  return { maxQueue, retryAfterS, serviceMs, sloBelowService: room <= 0 }
}
