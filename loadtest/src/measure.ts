import { closedLoop } from './closed-loop.js'
import { closedLoopUndici } from './closed-loop-undici.js'
import type { LoadRequest, PhaseOutcome } from './load-request.js'
import { machineInfo } from './machine.js'
import { openLoop, openLoopPool } from './open-loop.js'
import type { Pool } from 'undici'
import { ProcSampler } from './proc-sampler.js'
import { progress } from './progress.js'
import type { LoadResult } from './result.js'
import { round } from './stats.js'

export const DEFAULT_CONNECTIONS = 16
export const DEFAULT_OPEN_CONNECTIONS = 64
export const DEFAULT_DURATION_SEC = 10
export const DEFAULT_WARMUP_SEC = 3

export interface MeasureOptions {
  scenario: string
  /** Origin (and optional base) of the target; request paths are appended to its origin. */
  url: string
  via: LoadResult['via']
  requests: LoadRequest[]
  mode: LoadResult['mode']
  connections: number
  /** Requests/s, open-loop mode only. */
  rate?: number
  durationSec: number
  warmupSec: number
  /** Closed-loop client: autocannon (default, fastest) or undici (honours Connection: close). */
  generator?: LoadResult['generator']
  /** Service processes to sample, by name. */
  pids: Record<string, number>
  quiet?: boolean
}

async function phase (opts: MeasureOptions, label: string, durationSec: number, pool?: Pool): Promise<PhaseOutcome> {
  const { onProgress, done } = progress(`${opts.scenario} ${label}`, durationSec, opts.quiet)
  try {
    if (opts.mode === 'open') {
      if (opts.rate === undefined || opts.rate <= 0) throw new Error('open-loop mode needs a rate above 0 (--rate)')
      return await openLoop({ url: opts.url, requests: opts.requests, connections: opts.connections, rate: opts.rate, durationSec, onProgress, pool })
    }
    if (opts.generator === 'undici') {
      return await closedLoopUndici({ url: opts.url, requests: opts.requests, connections: opts.connections, durationSec, onProgress, pool })
    }
    return await closedLoop({ url: opts.url, requests: opts.requests, connections: opts.connections, durationSec, onProgress })
  } finally {
    done()
  }
}

/** Runs a warm-up phase (discarded), then the measured phase while sampling the services. */
export async function measure (opts: MeasureOptions): Promise<LoadResult> {
  const pool = opts.mode === 'open' || opts.generator === 'undici' ? openLoopPool(opts.url, opts.connections) : undefined
  try {
    return await measureWith(opts, pool)
  } finally {
    await pool?.close()
  }
}

async function measureWith (opts: MeasureOptions, pool: Pool | undefined): Promise<LoadResult> {
  if (opts.warmupSec > 0) await phase(opts, 'warm-up', opts.warmupSec, pool)
  const sampler = new ProcSampler(opts.pids)
  const startedAt = new Date().toISOString()
  const clientBefore = process.cpuUsage()
  sampler.start()
  const out = await phase(opts, 'measure', opts.durationSec, pool)
  const total = out.statuses.total
  const services = sampler.stop(total)
  const client = process.cpuUsage(clientBefore)
  return {
    schemaVersion: 1,
    scenario: opts.scenario,
    targetUrl: opts.url,
    via: opts.via,
    mode: opts.mode,
    generator: opts.mode === 'open' ? 'undici' : opts.generator ?? 'autocannon',
    connections: opts.connections,
    rate: opts.mode === 'open' ? opts.rate ?? null : null,
    startedAt,
    durationSec: round(out.seconds, 2),
    warmupSec: opts.warmupSec,
    machine: machineInfo(),
    requestsPerSec: round(total / out.seconds, 1),
    latencyMs: out.latencies.summary(),
    total,
    errors: out.statuses.errors,
    non2xx: out.statuses.non2xx(),
    services,
    clientCpuPercent: round((client.user + client.system) / 1e6 / out.seconds * 100, 1)
  }
}
