import { stopChildrenOnSignal } from '@inference-stack/kit/child'
import { parseArgs } from 'node:util'
import type { LoadResult } from './result.js'
import { runScenario } from './run-scenario.js'
import { SCENARIOS } from './scenarios/index.js'
import type { Route } from './scenarios/scenario.js'

const USAGE = `usage: tsx loadtest/src/run.ts <scenario> [options]
scenarios: ${Object.keys(SCENARIOS).join(', ')}
  --via direct|frontend   send to the backend or through the frontend proxy (default: scenario's own)
  --url URL               target an already running service instead of starting the local stack
  --pid name=PID          a process to sample with --url (repeatable), e.g. --pid prime=1234
  --connections N         closed loop: concurrent connections (default 16); open loop: connection cap (64)
  --rate R                open loop at R requests/s (implies --mode open)
  --mode closed|open
  --duration S            measured seconds (default 10)
  --warmup S              warm-up seconds, not measured (default 3)
  --upload raw|multipart  how classify and mixed send photos (default raw)
  --quiet                 no progress output`

function summary (r: LoadResult): string {
  const svc = Object.entries(r.services).map(([n, u]) => `${n}: ${u.cpuPercent}% CPU, ${u.rssMiB.max} MiB, ${(u.cpuSecondsPerRequest * 1000).toFixed(3)} CPU ms/req`)
  return [
    `${r.scenario} (${r.via}, ${r.mode}${r.rate === null ? `, ${r.connections} connections` : `, ${r.rate} req/s offered`}) on ${r.machine.cpuModel} x${r.machine.cores}`,
    `  ${r.requestsPerSec} req/s  p50 ${r.latencyMs.p50} ms  p90 ${r.latencyMs.p90} ms  p99 ${r.latencyMs.p99} ms  max ${r.latencyMs.max} ms`,
    `  ${r.total} responses, ${r.errors} errors, non-2xx ${JSON.stringify(r.non2xx)}, load generator ${r.clientCpuPercent}% CPU`,
    ...svc.map((s) => `  ${s}`)
  ].join('\n')
}

async function main (): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      via: { type: 'string' },
      url: { type: 'string' },
      pid: { type: 'string', multiple: true },
      connections: { type: 'string' },
      rate: { type: 'string' },
      mode: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      upload: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' }
    }
  })
  const scenario = positionals[0]
  if (values.help === true || scenario === undefined) {
    console.log(USAGE)
    process.exitCode = scenario === undefined && values.help !== true ? 2 : 0
    return
  }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`)
    return n
  }
  const pids = values.pid === undefined
    ? undefined
    : Object.fromEntries(values.pid.map((p) => {
      const [name, pid] = p.split('=')
      if (name === undefined || pid === undefined || !/^\d+$/.test(pid)) throw new Error(`--pid wants name=PID, got "${p}"`)
      return [name, Number(pid)]
    }))
  if (values.mode !== undefined && values.mode !== 'open' && values.mode !== 'closed') throw new Error(`--mode is open or closed, got "${values.mode}"`)
  if (values.via !== undefined && values.via !== 'direct' && values.via !== 'frontend') throw new Error(`--via is direct or frontend, got "${values.via}"`)
  if (values.upload !== undefined && values.upload !== 'raw' && values.upload !== 'multipart') throw new Error(`--upload is raw or multipart, got "${values.upload}"`)
  const { result, file } = await runScenario({
    scenario,
    route: values.via as Route | undefined,
    url: values.url,
    pids,
    mode: values.mode,
    connections: num(values.connections, 'connections'),
    rate: num(values.rate, 'rate'),
    durationSec: num(values.duration, 'duration'),
    warmupSec: num(values.warmup, 'warmup'),
    upload: values.upload,
    quiet: values.quiet
  })
  console.log(summary(result))
  console.log(`  written to ${file}`)
}

stopChildrenOnSignal()
main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
