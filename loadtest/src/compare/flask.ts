import { stopChildrenOnSignal } from '@inference-stack/kit/child'
import { startFlaskDev, startGunicorn, type Baseline } from '../baselines.js'
import type { LoadResult } from '../result.js'
import { startStack } from '../stack.js'
import { compareArgs, cpuPerRequest as cpu, printRatios, printResults, ratio, runTargets, writeComparison, type Ratio, type Target } from './common.js'

/** The targets: ours against the Flask dev server, per number. */
const TARGETS: Record<string, number> = { 1000000007: 10, 97: 3 }

/**
 * One run: our prime service against the workshop-style Flask app (trial
 * division) under Flask's dev server and under gunicorn, for each number.
 */
async function main (): Promise<void> {
  const args = compareArgs()
  const startedAt = new Date().toISOString()
  const stack = await startStack({ services: ['prime'] })
  const baselines: Baseline[] = []
  try {
    const dev = await startFlaskDev()
    baselines.push(dev)
    const gunicorn = await startGunicorn()
    baselines.push(gunicorn)
    const ratios: Ratio[] = []
    const medians: LoadResult[] = []
    const all: LoadResult[] = []
    for (const [n, minRatio] of Object.entries(TARGETS)) {
      const targets: Target[] = [
        { name: 'prime', url: stack.urls.prime as string, path: `/check/${n}`, pids: { prime: stack.pids.prime as number } },
        { name: 'flask-dev', url: dev.url, path: `/check/${n}`, pids: { 'flask-dev': dev.child.pid } },
        { name: 'gunicorn', url: gunicorn.url, path: `/check/${n}`, pids: { gunicorn: gunicorn.child.pid } }
      ]
      // undici for all three: the Python servers close every connection, which autocannon mis-measures.
      const runs = await runTargets(`flask-${n}`, targets, args, { generator: 'undici' })
      const results = runs.median
      printResults(`n = ${n}, closed loop, ${args.connections} connections, ${args.durationSec} s each, median of ${args.rounds} rounds`, results)
      const rps = (name: string): number => results[name]?.requestsPerSec ?? 0
      const vsDev = ratio(rps('prime'), rps('flask-dev'))
      ratios.push(
        { name: `n=${n}: prime / flask dev server`, value: vsDev, target: `>= ${minRatio}`, met: vsDev >= minRatio },
        { name: `n=${n}: prime / gunicorn`, value: ratio(rps('prime'), rps('gunicorn')) },
        // CPU per request moves less than req/s when other work competes for the cores.
        { name: `n=${n}: CPU per request, flask dev server / prime`, value: ratio(cpu(results['flask-dev'], 'flask-dev'), cpu(results.prime, 'prime')) }
      )
      medians.push(...Object.values(results))
      all.push(...runs.all)
    }
    printRatios(ratios)
    const file = await writeComparison({ comparison: 'compare-flask', startedAt, ratios, results: medians, rounds: all })
    console.log(`\nwritten to ${file}`)
  } finally {
    for (const b of baselines) await b.stop()
    await stack.close()
  }
}

stopChildrenOnSignal()
main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
