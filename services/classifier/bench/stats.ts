import { availableParallelism } from 'node:os'
import { CpuMeter } from './cpu.js'

/** One measured configuration: throughput and latency of a fixed-duration run. */
export interface Measurement {
  /** Images per second (each request carries one image; a batch of n counts n). */
  rps: number
  p50Ms: number
  p99Ms: number
  /** Images completed in the measured window. */
  count: number
  seconds: number
  errors: number
  /** Cores in use on average during the window: the bench process (pipeline or HTTP client), the service, other work. */
  cpu: { bench: number, service: number, others: number }
}

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** Collects per-image latencies during a timed run. */
export class Recorder {
  readonly #latencies: number[] = []
  #errors = 0
  readonly #started = performance.now()
  readonly #cpu: CpuMeter

  /** `pids`: other processes whose CPU time counts as ours (the service). */
  constructor (pids: number[] = []) {
    this.#cpu = new CpuMeter(pids)
  }

  /** Records `n` images that finished together after `ms`. */
  add (ms: number, n = 1): void {
    for (let i = 0; i < n; i++) this.#latencies.push(ms)
  }

  error (): void { this.#errors++ }

  get count (): number { return this.#latencies.length }

  /**
   * Waits `seconds`, then on until `minCount` images have completed (at most
   * 2 x `seconds` in all): a window holding one or two slow batches says little.
   */
  async window (seconds: number, minCount: number): Promise<Measurement> {
    const t0 = performance.now()
    await sleep(seconds * 1000)
    while (this.count < minCount && performance.now() - t0 < seconds * 2000) await sleep(50)
    return this.finish()
  }

  finish (): Measurement {
    const seconds = (performance.now() - this.#started) / 1000
    const sorted = this.#latencies.sort((a, b) => a - b)
    const { bench, service, others } = this.#cpu.read()
    return { rps: sorted.length / seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), count: sorted.length, seconds, errors: this.#errors, cpu: { bench, service, others } }
  }
}

/**
 * Throughput scaled up by the share of the machine other work took during the
 * window: what the point would give on a quiet machine, roughly. Sweeps pick
 * by it, so a burst of other work does not pick the setting.
 */
export function quietRps (m: Measurement): number {
  const cores = availableParallelism()
  return m.rps * cores / Math.max(cores - m.cpu.others, 0.25)
}

/** The configuration with the highest throughput (corrected for other work, see quietRps). */
export function best<T extends { result: Measurement }> (runs: T[]): T {
  return runs.reduce((a, b) => (quietRps(b.result) > quietRps(a.result) ? b : a))
}

/**
 * Images per second of CPU spent by the stage itself: the bench process for
 * (a) and (b), the service for (c) (the HTTP client's share is not serving
 * cost). Other work on the machine changes it far less than throughput.
 */
export function perCore (m: Measurement): number {
  const cores = m.cpu.service > 0.01 ? m.cpu.service : m.cpu.bench
  return m.rps / cores
}

export function fmt (m: Measurement): string {
  return `${m.rps.toFixed(1).padStart(7)} img/s  p50 ${m.p50Ms.toFixed(1).padStart(7)} ms  p99 ${m.p99Ms.toFixed(1).padStart(7)} ms` +
    `  ${perCore(m).toFixed(1).padStart(6)} img/core-s  cores: bench ${m.cpu.bench.toFixed(2)} service ${m.cpu.service.toFixed(2)} others ${m.cpu.others.toFixed(2)}` + (m.errors > 0 ? `  (${m.errors} errors)` : '')
}

/** The measurement with the median throughput. */
export function median (runs: Measurement[]): Measurement {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)]!
}

export function medianOf (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Resolves once `done()` is true, polling every 20 ms. */
export async function until (done: () => boolean): Promise<void> {
  while (!done()) await sleep(20)
}
