import type { Pool } from 'undici'
import type { LoadRequest, PhaseOutcome, ProgressFn } from './load-request.js'
import { openLoopPool } from './open-loop.js'
import { LatencyRecorder, StatusCounter } from './stats.js'

export interface UndiciClosedLoopOptions {
  url: string
  requests: LoadRequest[]
  connections: number
  durationSec: number
  onProgress?: ProgressFn
  pool?: Pool
}

/**
 * Closed loop on undici: `connections` callers, each sending its next request
 * when the previous answer arrives. Slower per request than autocannon, but it
 * honours `Connection: close` (Flask's dev server, gunicorn sync workers),
 * where autocannon writes the next request into the closing socket and
 * mis-attributes latencies.
 */
export async function closedLoopUndici (opts: UndiciClosedLoopOptions): Promise<PhaseOutcome> {
  const pool = opts.pool ?? openLoopPool(opts.url, opts.connections)
  const latencies = new LatencyRecorder()
  const statuses = new StatusCounter()
  const start = performance.now()
  const endAt = start + opts.durationSec * 1000
  let next = 0
  const ticker = setInterval(() => opts.onProgress?.((performance.now() - start) / 1000, statuses.total, statuses.errors), 1000)
  const caller = async (): Promise<void> => {
    while (performance.now() < endAt) {
      const r = opts.requests[next++ % opts.requests.length] as LoadRequest
      const sent = performance.now()
      try {
        const res = await pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body })
        await res.body.dump()
        statuses.add(res.statusCode)
        latencies.record(performance.now() - sent)
      } catch {
        statuses.errors++
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: opts.connections }, caller))
  } finally {
    clearInterval(ticker)
    if (opts.pool === undefined) await pool.close()
  }
  return { seconds: (performance.now() - start) / 1000, latencies, statuses }
}
