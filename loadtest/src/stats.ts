import type { LatencySummary } from './result.js'

/** Growable list of latencies (ms) with exact percentiles: sub-millisecond resolution. */
export class LatencyRecorder {
  #values = new Float64Array(1 << 16)
  #count = 0

  get count (): number { return this.#count }

  record (ms: number): void {
    if (this.#count === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2)
      bigger.set(this.#values)
      this.#values = bigger
    }
    this.#values[this.#count++] = ms
  }

  summary (): LatencySummary {
    const sorted = this.#values.slice(0, this.#count).sort()
    const n = sorted.length
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 }
    const at = (q: number): number => round(sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] ?? 0)
    let sum = 0
    for (const v of sorted) sum += v
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[n - 1] ?? 0), mean: round(sum / n) }
  }
}

export const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits

/** Counts responses by status code and connection errors. */
export class StatusCounter {
  readonly byStatus = new Map<number, number>()
  errors = 0

  add (status: number): void { this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1) }

  get total (): number {
    let t = 0
    for (const c of this.byStatus.values()) t += c
    return t
  }

  non2xx (): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [status, count] of this.byStatus) if (status < 200 || status > 299) out[String(status)] = count
    return out
  }
}
