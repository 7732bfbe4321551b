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

  /** Records `n` images that finished together after `ms`. */
  add (ms: number, n = 1): void {
    for (let i = 0; i < n; i++) this.#latencies.push(ms)
  }

  error (): void { this.#errors++ }

  finish (): Measurement {
    const seconds = (performance.now() - this.#started) / 1000
    const sorted = this.#latencies.sort((a, b) => a - b)
    return { rps: sorted.length / seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), count: sorted.length, seconds, errors: this.#errors }
  }
}

/** The configuration with the highest throughput. */
export function best<T extends { result: Measurement }> (runs: T[]): T {
  return runs.reduce((a, b) => (b.result.rps > a.result.rps ? b : a))
}

export function fmt (m: Measurement): string {
  return `${m.rps.toFixed(1).padStart(7)} img/s  p50 ${m.p50Ms.toFixed(1).padStart(7)} ms  p99 ${m.p99Ms.toFixed(1).padStart(7)} ms` +
    (m.errors > 0 ? `  (${m.errors} errors)` : '')
}
