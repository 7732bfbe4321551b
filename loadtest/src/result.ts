import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** Latency summary in milliseconds, measured per request by the load generator. */
export interface LatencySummary {
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** Resource use of one service process during the measured window (warm-up excluded). */
export interface ServiceUsage {
  pid: number
  /** Resident set size sampled from /proc/<pid>/status (VmRSS). */
  rssMiB: { mean: number, max: number }
  /** CPU time (user + system) used during the window; 100 = one core busy. */
  cpuPercent: number
  cpuSeconds: number
  /** cpuSeconds divided by the requests completed in the window: the planner's cost per request. */
  cpuSecondsPerRequest: number
}

/** The machine a run came from. */
export interface MachineInfo {
  cpuModel: string
  cores: number
  memGiB: number
  os: string
  node: string
  /** 1-minute load average when the measured window began: above the core count, other work competed for the CPU. */
  loadAvg1m?: number
}

/**
 * One load run, written as loadtest/results/<scenario>-<iso>.json. The deploy
 * planner reads these files as service profiles: fields are only ever added.
 */
export interface LoadResult {
  schemaVersion: 1
  scenario: string
  /** URL the load generator sent requests to (its origin; paths come from the scenario). */
  targetUrl: string
  /** `direct` to a backend, through the `frontend`, or an `external` stack given by URL. */
  via: 'direct' | 'frontend' | 'external'
  /** `closed`: a fixed number of connections, each sending its next request on reply. `open`: a fixed arrival rate. */
  mode: 'closed' | 'open'
  /** The HTTP client: autocannon for closed loops, undici for open loops and Connection: close servers. */
  generator: 'autocannon' | 'undici'
  connections: number
  /** Offered requests/s in open-loop mode, null in closed-loop mode. */
  rate: number | null
  startedAt: string
  durationSec: number
  warmupSec: number
  machine: MachineInfo
  requestsPerSec: number
  latencyMs: LatencySummary
  /** Responses received in the measured window, any status. */
  total: number
  /** Connection errors and timeouts (no response at all). */
  errors: number
  /** Responses with a status outside 2xx, by status code. */
  non2xx: Record<string, number>
  /** Keyed by service name (prime, classifier, frontend, nginx...). */
  services: Record<string, ServiceUsage>
  /** The load generator's own CPU use: near 100 means the client, not the server, is the bottleneck. */
  clientCpuPercent: number
  /**
   * The model and execution provider the classifier served during the run (from its /info), when the
   * scenario reached it: the planner takes CPU inference out of a CPU run's cost, and nothing out of a CUDA run's.
   */
  classifier?: ClassifierRun
}

/** What the classifier ran: its catalog model and the provider its session really uses. */
export interface ClassifierRun {
  model: string
  provider: 'cuda' | 'cpu'
}

export interface WriteOptions {
  /** Directory for the JSON file (default loadtest/results). */
  resultsDir: string
  /** Markdown table the summary row is appended to (default loadtest/results/runs.md). */
  tablePath: string
}

const TABLE_HEADER = [
  '| when (UTC) | scenario | via | mode | conns / rate | req/s | p50 ms | p99 ms | errors | non-2xx | RSS MiB | CPU % | CPU ms/req | machine | load |',
  '|---|---|---|---|---|---:|---:|---:|---:|---:|---|---|---|---|---:|'
].join('\n')

const fmt = (n: number, digits = 1): string => n.toFixed(digits)

export function tableRow (r: LoadResult): string {
  const svc = Object.entries(r.services)
  const non2xx = Object.values(r.non2xx).reduce((a, b) => a + b, 0)
  return '| ' + [
    r.startedAt.slice(0, 19).replace('T', ' '),
    r.scenario,
    r.via,
    r.mode,
    r.mode === 'open' ? `${r.rate ?? 0}/s` : `${r.connections} conns`,
    fmt(r.requestsPerSec, 0),
    fmt(r.latencyMs.p50, 2),
    fmt(r.latencyMs.p99, 2),
    String(r.errors),
    String(non2xx),
    svc.map(([name, u]) => `${name} ${fmt(u.rssMiB.max, 0)}`).join(', '),
    svc.map(([name, u]) => `${name} ${fmt(u.cpuPercent, 0)}`).join(', '),
    svc.map(([name, u]) => `${name} ${fmt(u.cpuSecondsPerRequest * 1000, 3)}`).join(', '),
    `${r.machine.cpuModel} x${r.machine.cores}`,
    r.machine.loadAvg1m?.toFixed(1) ?? ''
  ].join(' | ') + ' |'
}

/** Writes the JSON result and appends its row to the markdown table; returns the JSON path. */
export async function writeResult (r: LoadResult, opts: WriteOptions): Promise<string> {
  await mkdir(opts.resultsDir, { recursive: true })
  const file = join(opts.resultsDir, `${r.scenario}-${r.startedAt.replace(/[:.]/g, '-')}.json`)
  await writeFile(file, JSON.stringify(r, null, 2) + '\n')
  await appendRows([r], opts.tablePath)
  return file
}

export async function appendRows (results: LoadResult[], tablePath: string): Promise<void> {
  await mkdir(dirname(tablePath), { recursive: true })
  const existing = await readFile(tablePath, 'utf8').catch(() => '')
  const head = existing.includes(TABLE_HEADER) ? '' : `${existing === '' ? '' : '\n'}${TABLE_HEADER}\n`
  await appendFile(tablePath, head + results.map(tableRow).join('\n') + '\n')
}
