import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { machineInfo } from '../machine.js'
import { DEFAULT_CONNECTIONS, measure } from '../measure.js'
import { RESULTS_DIR, TABLE_PATH } from '../paths.js'
import { appendRows, type LoadResult, type MachineInfo } from '../result.js'

/** Rounds interleave the targets (A B C, A B C...), so a burst of other work on a shared machine hits all of them. */
export const DEFAULT_ROUNDS = 3
export const DEFAULT_ROUND_SEC = 5
export const DEFAULT_WARMUP_SEC = 2

export interface Target {
  name: string
  url: string
  path: string
  /** Processes whose CPU and RSS belong to this path (backend plus proxy). */
  pids: Record<string, number>
}

export interface CompareArgs { durationSec: number, warmupSec: number, connections: number, rounds: number, quiet: boolean }

/** Ratios of one comparison run, with the targets the issue sets for them. */
export interface Ratio { name: string, value: number, target?: string, met?: boolean }

export interface Comparison {
  comparison: string
  startedAt: string
  machine: MachineInfo
  ratios: Ratio[]
  /** Per target, the round with the median figure: what the ratios are computed from. */
  results: LoadResult[]
  /** Every round of every target, in the order they ran. */
  rounds: LoadResult[]
}

export function compareArgs (defaults: Partial<CompareArgs> = {}): CompareArgs {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      quiet: { type: 'boolean' }
    }
  })
  const num = (v: string | undefined, fallback: number): number => v === undefined ? fallback : Number(v)
  return {
    durationSec: num(values.duration, defaults.durationSec ?? DEFAULT_ROUND_SEC),
    warmupSec: num(values.warmup, defaults.warmupSec ?? DEFAULT_WARMUP_SEC),
    rounds: Math.max(1, num(values.rounds, defaults.rounds ?? DEFAULT_ROUNDS)),
    connections: num(values.connections, defaults.connections ?? DEFAULT_CONNECTIONS),
    quiet: values.quiet ?? false
  }
}

export interface TargetRuns {
  /** Per target, the round with the median req/s (closed loop) or median p50 (open loop). */
  median: Record<string, LoadResult>
  all: LoadResult[]
}

function medianOf (runs: LoadResult[], key: (r: LoadResult) => number): LoadResult {
  const sorted = [...runs].sort((a, b) => key(a) - key(b))
  return sorted[Math.floor((sorted.length - 1) / 2)] as LoadResult
}

/** Measures every target with the same settings, in interleaved rounds. */
export async function runTargets (
  label: string, targets: Target[], args: CompareArgs, mode: { rate?: number, generator?: LoadResult['generator'] } = {}
): Promise<TargetRuns> {
  const byTarget = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]))
  const all: LoadResult[] = []
  for (let round = 1; round <= args.rounds; round++) {
    for (const t of targets) {
      if (!args.quiet) process.stderr.write(`${label}: round ${round}/${args.rounds}, ${t.name}\n`)
      const r = await measure({
        scenario: `${label}:${t.name}`,
        url: t.url,
        via: 'direct',
        requests: [{ method: 'GET', path: t.path }],
        mode: mode.rate === undefined ? 'closed' : 'open',
        connections: mode.rate === undefined ? args.connections : 64,
        rate: mode.rate,
        generator: mode.generator,
        durationSec: args.durationSec,
        warmupSec: args.warmupSec,
        pids: t.pids,
        quiet: true
      })
      byTarget.get(t.name)?.push(r)
      all.push(r)
    }
  }
  const key = mode.rate === undefined ? (r: LoadResult) => r.requestsPerSec : (r: LoadResult) => r.latencyMs.p50
  return { median: Object.fromEntries([...byTarget].map(([name, runs]) => [name, medianOf(runs, key)])), all }
}

const pad = (s: string, n: number): string => s.padEnd(n)

export function printResults (title: string, results: Record<string, LoadResult>): void {
  console.log(`\n${title}`)
  console.log(`  ${pad('target', 24)} ${pad('req/s', 9)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('non-2xx', 8)} ${pad('errors', 7)} CPU % by process`)
  for (const [name, r] of Object.entries(results)) {
    const non2xx = Object.values(r.non2xx).reduce((a, b) => a + b, 0)
    const cpu = Object.entries(r.services).map(([s, u]) => `${s} ${u.cpuPercent}`).join(', ')
    console.log(`  ${pad(name, 24)} ${pad(r.requestsPerSec.toFixed(0), 9)} ${pad(r.latencyMs.p50.toFixed(2), 8)} ${pad(r.latencyMs.p99.toFixed(2), 8)} ${pad(String(non2xx), 8)} ${pad(String(r.errors), 7)} ${cpu}, load generator ${r.clientCpuPercent}`)
  }
}

export function printRatios (ratios: Ratio[]): void {
  console.log('\nratios')
  for (const r of ratios) {
    const verdict = r.target === undefined ? '' : `  target ${r.target}: ${r.met === true ? 'met' : 'NOT met'}`
    console.log(`  ${pad(r.name, 48)} ${r.value.toFixed(2)}${verdict}`)
  }
}

/**
 * Writes loadtest/results/comparisons/<comparison>-<iso>.json (a subdirectory: the
 * planner reads the *.json directly in results/ as single-scenario profiles)
 * and appends every measured row to the table.
 */
export async function writeComparison (c: Omit<Comparison, 'machine'>): Promise<string> {
  const dir = join(RESULTS_DIR, 'comparisons')
  await mkdir(dir, { recursive: true })
  const full: Comparison = { ...c, machine: machineInfo() }
  const file = join(dir, `${c.comparison}-${c.startedAt.replace(/[:.]/g, '-')}.json`)
  await writeFile(file, JSON.stringify(full, null, 2) + '\n')
  await appendRows(c.results, TABLE_PATH) // the medians only; every round is in the JSON
  return file
}

/** A process's CPU seconds per request in a result (0 when it was not sampled). */
export const cpuPerRequest = (r: LoadResult | undefined, service: string): number => r?.services[service]?.cpuSecondsPerRequest ?? 0

export const ratio = (a: number, b: number): number => b === 0 ? 0 : Math.round(a / b * 100) / 100
