import { Pool } from 'undici'
import type { LoadRequest, PhaseOutcome, ProgressFn } from './load-request.js'
import { LatencyRecorder, StatusCounter } from './stats.js'

const REQUEST_TIMEOUT_MS = 30_000
const TICK_MS = 1

export interface OpenLoopOptions {
  url: string
  requests: LoadRequest[]
  /** Upper bound on open connections; requests beyond it wait in the client queue (and that wait counts). */
  connections: number
  rate: number
  durationSec: number
  onProgress?: ProgressFn
  /** Reuse the warm-up's connections so the measured phase does not pay for opening them. */
  pool?: Pool
}

export function openLoopPool (url: string, connections: number): Pool {
  return new Pool(new URL(url).origin, { connections, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS })
}

/**
 * Open loop: request i is due at start + i/rate whatever the answers do, and
 * its latency runs from that due time, so a slow server cannot slow the
 * arrivals down and hide its queueing (no coordinated omission). autocannon's
 * own rate option sends each second's quota in a burst, hence this scheduler.
 */
export async function openLoop (opts: OpenLoopOptions): Promise<PhaseOutcome> {
  const pool = opts.pool ?? openLoopPool(opts.url, opts.connections)
  const latencies = new LatencyRecorder()
  const statuses = new StatusCounter()
  const inFlight = new Set<Promise<void>>()
  const start = performance.now()
  const endAt = start + opts.durationSec * 1000
  const intervalMs = 1000 / opts.rate
  let sent = 0
  let lastReport = start

  const fire = (due: number): void => {
    const r = opts.requests[sent % opts.requests.length] as LoadRequest
    const p = pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body })
      .then(async (res) => {
        await res.body.dump()
        statuses.add(res.statusCode)
        latencies.record(performance.now() - due)
      }, () => { statuses.errors++ })
      .finally(() => inFlight.delete(p))
    inFlight.add(p)
  }

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now()
      // Due times in [start, endAt): exactly rate x duration requests.
      while (start + sent * intervalMs <= now && start + sent * intervalMs < endAt) {
        fire(start + sent * intervalMs)
        sent++
      }
      if (now - lastReport >= 1000) {
        lastReport = now
        opts.onProgress?.((now - start) / 1000, statuses.total, statuses.errors)
      }
      if (now >= endAt) resolve()
      else setTimeout(tick, TICK_MS)
    }
    tick()
  })
  await Promise.all(inFlight)
  const seconds = (performance.now() - start) / 1000
  if (opts.pool === undefined) await pool.close()
  return { seconds, latencies, statuses }
}
