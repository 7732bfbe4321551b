import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { machineInfo } from '../src/machine.js'
import { tableRow, writeResult, type LoadResult } from '../src/result.js'
import { LatencyRecorder } from '../src/stats.js'

function result (over: Partial<LoadResult> = {}): LoadResult {
  return {
    schemaVersion: 1,
    scenario: 'prime-small',
    targetUrl: 'http://127.0.0.1:8081',
    via: 'direct',
    mode: 'closed',
    generator: 'autocannon',
    connections: 16,
    rate: null,
    startedAt: '2026-11-22T14:00:00.000Z',
    durationSec: 10,
    warmupSec: 3,
    machine: machineInfo(),
    requestsPerSec: 1234.5,
    latencyMs: { p50: 1.5, p90: 2, p99: 4.25, max: 9, mean: 1.7 },
    total: 12345,
    errors: 0,
    non2xx: { 400: 2 },
    services: { prime: { pid: 1, rssMiB: { mean: 80, max: 82.4 }, cpuPercent: 95, cpuSeconds: 9.5, cpuSecondsPerRequest: 0.00077 } },
    clientCpuPercent: 40,
    ...over
  }
}

describe('load results', () => {
  it('computes exact percentiles at sub-millisecond resolution', () => {
    const rec = new LatencyRecorder()
    for (let i = 1; i <= 100_000; i++) rec.record(i / 1000)
    expect(rec.summary()).toEqual({ p50: 50, p90: 90, p99: 99, max: 100, mean: 50.001 })
    expect(new LatencyRecorder().summary().p99).toBe(0)
  })

  it('renders a table row with per-service RSS, CPU and CPU ms per request', () => {
    const row = tableRow(result({ mode: 'open', rate: 500 }))
    expect(row).toContain('| prime-small | direct | open | 500/s | 1235 | 1.50 | 4.25 | 0 | 2 | prime 82 | prime 95 | prime 0.770 |')
  })

  it('writes the JSON file and appends rows under one table header', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadtest-result-'))
    onTestFinished(async () => { await rm(dir, { recursive: true, force: true }) })
    const tablePath = join(dir, 'results.md')
    const file = await writeResult(result(), { resultsDir: dir, tablePath })
    await writeResult(result({ startedAt: '2026-11-22T14:01:00.000Z' }), { resultsDir: dir, tablePath })
    expect(file).toBe(join(dir, 'prime-small-2026-11-22T14-00-00-000Z.json'))
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(result())
    const table = await readFile(tablePath, 'utf8')
    expect(table.match(/\| when \(UTC\)/g)).toHaveLength(1)
    expect(table.match(/\| prime-small \|/g)).toHaveLength(2)
  })
})
