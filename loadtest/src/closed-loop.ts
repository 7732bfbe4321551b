import autocannon from 'autocannon'
import type { LoadRequest, PhaseOutcome, ProgressFn } from './load-request.js'
import { LatencyRecorder, StatusCounter } from './stats.js'

const REQUEST_TIMEOUT_SEC = 30

export interface ClosedLoopOptions {
  url: string
  requests: LoadRequest[]
  connections: number
  durationSec: number
  onProgress?: ProgressFn
}

/**
 * Closed loop with autocannon: each connection sends its next request when the
 * previous answer arrives. Latencies are taken from autocannon's per-response
 * event (fractional ms), not its integer-ms histogram.
 */
export async function closedLoop (opts: ClosedLoopOptions): Promise<PhaseOutcome> {
  const latencies = new LatencyRecorder()
  const statuses = new StatusCounter()
  const started = performance.now()
  let finish: (err?: Error) => void = () => {}
  const finished = new Promise<void>((resolve, reject) => {
    finish = (err) => err === undefined || err === null ? resolve() : reject(err)
  })
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: REQUEST_TIMEOUT_SEC,
    requests: opts.requests.map((r) => ({ ...r })),
    skipAggregateResult: true
  }, (err) => finish(err ?? undefined))
  instance.on('response', (_client, status, _bytes, ms) => {
    statuses.add(status)
    latencies.record(ms)
  })
  instance.on('reqError', () => { statuses.errors++ })
  const ticker = setInterval(() => opts.onProgress?.((performance.now() - started) / 1000, statuses.total, statuses.errors), 1000)
  try {
    await finished
  } finally {
    clearInterval(ticker)
  }
  return { seconds: (performance.now() - started) / 1000, latencies, statuses }
}
