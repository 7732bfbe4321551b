import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, spawnChild, waitForHttp, type Child } from '@inference-stack/kit/child'
import { startStack, type Stack } from '@inference-stack/loadtest/stack'
import { sendTraffic } from '../../loadtest/test/traffic.js'

// Debian's prometheus (apt-get install -y prometheus) scraping the real local stack.
const PROMETHEUS = '/usr/bin/prometheus'
const PROMTOOL = '/usr/bin/promtool'
const CONFIG = fileURLToPath(new URL('../prometheus/prometheus.yml', import.meta.url))
const DASHBOARD = fileURLToPath(new URL('../grafana/inference-stack.json', import.meta.url))
const COMPOSE_TARGETS = { frontend: 'frontend:9464', prime: 'prime:8081', classifier: 'classifier:8082' }
const UP_TIMEOUT_MS = 60_000

const installed = existsSync(PROMETHEUS)
if (!installed && process.env.CI !== 'true') {
  console.warn(`skipping the Prometheus test: ${PROMETHEUS} is missing (apt-get install -y prometheus); CI=true makes this a failure`)
}

/** The shipped config with compose service names swapped for the local metrics ports and a 1 s scrape interval. */
async function localConfig (stack: Stack): Promise<string> {
  let text = await readFile(CONFIG, 'utf8')
  for (const [service, target] of Object.entries(COMPOSE_TARGETS)) {
    const url = stack.metricsUrls[service as keyof typeof COMPOSE_TARGETS]
    if (url === undefined) throw new Error(`${service} did not start`)
    text = text.replace(`'${target}'`, `'${new URL(url).host}'`)
  }
  return text.replace(/scrape_interval: \S+/, 'scrape_interval: 1s').replace(/scrape_timeout: \S+/, 'scrape_timeout: 1s')
}

interface PromResponse<T> { status: string, data: T, error?: string }
interface Target { labels: { job: string }, health: string, lastError: string }
interface VectorSample { metric: Record<string, string>, value: [number, string] }

async function api<T> (base: string, path: string): Promise<PromResponse<T>> {
  const res = await fetch(`${base}${path}`)
  return await res.json() as PromResponse<T>
}

async function poll<T> (what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + UP_TIMEOUT_MS
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const out = await fn()
      if (out !== undefined) return out
    } catch (err) { last = err }
    await sleep(250)
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`)
}

describe.runIf(installed || process.env.CI === 'true')('Prometheus scraping the local stack', () => {
  let stack: Stack
  let prometheus: Child
  let base: string
  let dir: string

  beforeAll(async () => {
    if (!installed) throw new Error(`${PROMETHEUS} is missing: apt-get install -y prometheus`)
    stack = await startStack({ services: ['prime', 'classifier', 'frontend'] })
    await sendTraffic(stack)
    dir = await mkdtemp(join(tmpdir(), 'prometheus-test-'))
    await writeFile(join(dir, 'prometheus.yml'), await localConfig(stack))
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    prometheus = spawnChild('prometheus', PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'
    ], {})
    await waitForHttp(prometheus, `${base}/-/ready`)
  })
  afterAll(async () => {
    await prometheus?.stop()
    await stack?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it.runIf(existsSync(PROMTOOL))('ships a config that promtool accepts', async () => {
    const { stdout } = await promisify(execFile)(PROMTOOL, ['check', 'config', CONFIG])
    expect(stdout).toContain('SUCCESS')
  })

  it('sees every target up', async () => {
    const targets = await poll('all targets up', async () => {
      const { data } = await api<{ activeTargets: Target[] }>(base, '/api/v1/targets')
      return data.activeTargets.length === 3 && data.activeTargets.every((t) => t.health === 'up') ? data.activeTargets : undefined
    })
    expect(targets.map((t) => t.labels.job).sort()).toEqual(['classifier', 'frontend', 'prime'])
  })

  it('stores each service\'s request durations and prime checks by digit count', async () => {
    const byJob = await poll('request durations from every job', async () => {
      const { data } = await api<{ result: VectorSample[] }>(base, `/api/v1/query?query=${encodeURIComponent('sum by (job) (http_request_duration_seconds_count)')}`)
      return data.result.length === 3 ? data.result : undefined
    })
    for (const s of byJob) expect(Number(s.value[1])).toBeGreaterThan(0)
    const { data } = await api<{ result: VectorSample[] }>(base, `/api/v1/query?query=${encodeURIComponent('sum by (digits) (prime_check_duration_seconds_count)')}`)
    expect(data.result.length).toBeGreaterThanOrEqual(2)
  })

  it('evaluates every Grafana dashboard query, each on metrics the services expose', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Array<{ title: string, targets?: Array<{ expr: string }> }> }
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr.replaceAll('$__rate_interval', '1m') })))
    expect(exprs.length).toBeGreaterThan(10)
    const names = new Set<string>()
    for (const { title, expr } of exprs) {
      const res = await api<unknown>(base, `/api/v1/query?query=${encodeURIComponent(expr)}`)
      expect(res.status, `${title}: ${expr} ${res.error ?? ''}`).toBe('success')
      for (const m of expr.matchAll(/\b((?:http|classifier|prime|process|nodejs)_[a-z0-9_]+)/g)) names.add(m[1] as string)
    }
    for (const name of names) {
      const series = await api<string[]>(base, `/api/v1/label/__name__/values?match[]=${encodeURIComponent(`{__name__="${name}"}`)}`)
      expect(series.data, `the dashboard uses ${name}, which no service exposes`).toContain(name)
    }
  })
})
