import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoadResult } from '../src/result.js'
import { runScenario } from '../src/run-scenario.js'
import { SCENARIOS } from '../src/scenarios/index.js'
import { DEFAULT_LOADTEST_MODEL, startStack, type Stack } from '../src/stack.js'

// A smoke run: the scripts work end to end against the real local stack. No timing thresholds.
let stack: Stack
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadtest-smoke-'))
  stack = await startStack({ services: ['prime', 'classifier', 'frontend'] })
})
afterAll(async () => {
  await stack?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

function expectSane (r: LoadResult, scenario: string): void {
  expect(r.schemaVersion).toBe(1)
  expect(r.scenario).toBe(scenario)
  expect(r.errors).toBe(0)
  expect(r.non2xx).toEqual({})
  expect(r.total).toBeGreaterThan(0)
  expect(r.requestsPerSec).toBeGreaterThan(0)
  const { p50, p90, p99, max, mean } = r.latencyMs
  expect(p50).toBeGreaterThan(0)
  expect(p50).toBeLessThanOrEqual(p90)
  expect(p90).toBeLessThanOrEqual(p99)
  expect(p99).toBeLessThanOrEqual(max)
  expect(mean).toBeLessThanOrEqual(max)
  expect(r.machine.cores).toBeGreaterThan(0)
  expect(r.machine.cpuModel).not.toBe('')
  expect(Object.keys(r.services).length).toBeGreaterThan(0)
  for (const usage of Object.values(r.services)) {
    expect(usage.rssMiB.max).toBeGreaterThan(10)
    expect(usage.cpuSeconds).toBeGreaterThanOrEqual(0)
    expect(usage.cpuSecondsPerRequest).toBeGreaterThanOrEqual(0)
  }
}

describe('load scenarios (smoke runs against the local stack)', () => {
  it.each(Object.keys(SCENARIOS))('runs %s closed-loop and writes a sane JSON result and table row', async (scenario) => {
    const tablePath = join(dir, 'results.md')
    const { result, file } = await runScenario({
      scenario, stack, connections: 2, durationSec: 1, warmupSec: 0.5, resultsDir: dir, tablePath, quiet: true
    })
    expectSane(result, scenario)
    expect(result.mode).toBe('closed')
    expect(result.rate).toBeNull()
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(result)
    expect(await readFile(tablePath, 'utf8')).toContain(`| ${scenario} |`)
  })

  it('runs prime-small through the frontend in open-loop mode at a fixed rate', async () => {
    const { result } = await runScenario({
      scenario: 'prime-small', route: 'frontend', stack, rate: 50, durationSec: 1, warmupSec: 0.5, resultsDir: dir, tablePath: join(dir, 'open.md'), quiet: true
    })
    expectSane(result, 'prime-small')
    expect(result).toMatchObject({ mode: 'open', rate: 50, via: 'frontend', generator: 'undici' })
    expect(Object.keys(result.services).sort()).toEqual(['frontend', 'prime'])
    // 50 req/s for 1 s: every scheduled request is answered, none dropped.
    expect(result.total).toBe(50)
  })

  it('runs classify through the frontend with multipart uploads, as a browser form sends them', async () => {
    const { result } = await runScenario({
      scenario: 'classify', route: 'frontend', upload: 'multipart', stack, connections: 2, durationSec: 1, warmupSec: 0.5, resultsDir: dir, tablePath: join(dir, 'multipart.md'), quiet: true
    })
    expectSane(result, 'classify')
    expect(Object.keys(result.services).sort()).toEqual(['classifier', 'frontend'])
    // The planner reads these to know whether inference ran on this CPU.
    expect(result.classifier).toEqual({ model: process.env.MODEL ?? DEFAULT_LOADTEST_MODEL, provider: 'cpu' })
  })

  it('records no classifier for a scenario that does not reach it', async () => {
    const { result } = await runScenario({
      scenario: 'prime-small', stack, connections: 1, durationSec: 0.5, warmupSec: 0, resultsDir: dir, tablePath: join(dir, 'prime.md'), quiet: true
    })
    expect(result.classifier).toBeUndefined()
  })

  it('refuses an unknown scenario, naming the known ones', async () => {
    await expect(runScenario({ scenario: 'nope', stack })).rejects.toThrow(/unknown scenario "nope".*prime-small/)
  })
})
