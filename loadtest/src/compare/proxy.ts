import { stopChildrenOnSignal } from '@inference-stack/kit/child'
import { startNginx } from '../baselines.js'
import { startStack } from '../stack.js'
import { compareArgs, cpuPerRequest as cpu, printRatios, printResults, ratio, runTargets, writeComparison, type Ratio, type Target } from './common.js'

/** Load relative to the frontend's closed-loop maximum at which p50 overheads are compared. */
const MODERATE_LOAD = 0.5
const MIN_THROUGHPUT_VS_NGINX = 0.8
const MAX_CPU_VS_NGINX = 2
const MAX_P50_OVERHEAD_MS = 2

/**
 * One run: GET /check/97 on prime directly, through the frontend's proxy, and
 * through nginx (1 worker, keep-alive upstream) in front of the same prime.
 */
async function main (): Promise<void> {
  const args = compareArgs()
  const startedAt = new Date().toISOString()
  const stack = await startStack({ services: ['prime', 'frontend'] })
  const prime = stack.urls.prime as string
  const nginx = await startNginx(prime)
  try {
    const primePid = stack.pids.prime as number
    const targets: Target[] = [
      { name: 'direct', url: prime, path: '/check/97', pids: { prime: primePid } },
      { name: 'frontend', url: stack.urls.frontend as string, path: '/api/prime/check/97', pids: { prime: primePid, frontend: stack.pids.frontend as number } },
      { name: 'nginx', url: nginx.url, path: '/api/prime/check/97', pids: { prime: primePid, nginx: nginx.child.pid } }
    ]
    const maxRuns = await runTargets('proxy-max', targets, args)
    const max = maxRuns.median
    printResults(`closed loop, ${args.connections} connections, ${args.durationSec} s each, median of ${args.rounds} rounds`, max)
    const rate = Math.max(1, Math.round((max.frontend?.requestsPerSec ?? 0) * MODERATE_LOAD))
    const moderateRuns = await runTargets('proxy-moderate', targets, args, { rate })
    const moderate = moderateRuns.median
    printResults(`open loop at ${rate} req/s (${MODERATE_LOAD * 100}% of the frontend's maximum), median p50 of ${args.rounds} rounds`, moderate)

    const rps = (name: string): number => max[name]?.requestsPerSec ?? 0
    const p50 = (name: string): number => moderate[name]?.latencyMs.p50 ?? 0
    const vsNginx = ratio(rps('frontend'), rps('nginx'))
    const cpuVsNginx = ratio(cpu(max.frontend, 'frontend'), cpu(max.nginx, 'nginx'))
    const feOverhead = Math.round((p50('frontend') - p50('direct')) * 1000) / 1000
    const ratios: Ratio[] = [
      { name: 'throughput frontend / nginx', value: vsNginx, target: `>= ${MIN_THROUGHPUT_VS_NGINX}`, met: vsNginx >= MIN_THROUGHPUT_VS_NGINX },
      { name: 'throughput frontend / direct', value: ratio(rps('frontend'), rps('direct')) },
      { name: 'throughput nginx / direct', value: ratio(rps('nginx'), rps('direct')) },
      { name: 'p50 overhead frontend - direct (ms, moderate)', value: feOverhead, target: `< ${MAX_P50_OVERHEAD_MS} ms`, met: feOverhead < MAX_P50_OVERHEAD_MS },
      { name: 'p50 overhead nginx - direct (ms, moderate)', value: Math.round((p50('nginx') - p50('direct')) * 1000) / 1000 },
      // CPU per request moves less than req/s when other work competes for the cores.
      { name: 'proxy CPU per request, frontend / nginx', value: cpuVsNginx, target: `<= ${MAX_CPU_VS_NGINX}`, met: cpuVsNginx <= MAX_CPU_VS_NGINX },
      { name: 'proxy CPU per request, frontend / prime behind it', value: ratio(cpu(max.frontend, 'frontend'), cpu(max.frontend, 'prime')) }
    ]
    printRatios(ratios)
    const file = await writeComparison({ comparison: 'compare-proxy', startedAt, ratios, results: [...Object.values(max), ...Object.values(moderate)], rounds: [...maxRuns.all, ...moderateRuns.all] })
    console.log(`\nwritten to ${file}`)
  } finally {
    await nginx.stop()
    await stack.close()
  }
}

stopChildrenOnSignal()
main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
