import type { LoadResult } from '@inference-stack/loadtest'

/** A complete loadtest result, as the planner reads it from loadtest/results/*.json. */
export function result (scenario: string, via: LoadResult['via'], services: LoadResult['services'], startedAt = '2026-11-22T14:00:00.000Z'): LoadResult {
  return {
    schemaVersion: 1,
    scenario,
    targetUrl: via === 'frontend' ? 'http://127.0.0.1:8080' : 'http://127.0.0.1:8081',
    via,
    mode: 'closed',
    generator: 'autocannon',
    connections: 16,
    rate: null,
    startedAt,
    durationSec: 10,
    warmupSec: 2,
    machine: { cpuModel: 'AMD EPYC', cores: 2, memGiB: 24, os: 'linux', node: 'v20' },
    requestsPerSec: 100,
    latencyMs: { p50: 10, p90: 20, p99: 40, max: 60, mean: 12 },
    total: 1000,
    errors: 0,
    non2xx: {},
    services,
    clientCpuPercent: 30
  }
}
