import { stopChildrenOnSignal } from '@inference-stack/kit/child'
import { startFlaskDev, startGunicorn, type Baseline } from '../baselines.js'
import { startNpmStart } from '../npm-start.js'
import type { LoadResult } from '../result.js'
import { startStack } from '../stack.js'
import { compareArgs, cpuPerRequest as cpu, printRatios, printResults, ratio, runTargets, writeComparison, type Ratio, type Target } from './common.js'

/** The targets: ours against the Flask dev server, per number. */
const TARGETS: Record<string, number> = { 1000000007: 10, 97: 3 }
/** And through the frontend of `npm start` (its log pipe included), for n = 97. */
const NPM_START_TARGETS: Record<string, number> = { 97: 5 }

/**
 * One run: our prime service against the workshop-style Flask app (trial
 * division) under Flask's dev server and under gunicorn, for each number;
 * and the whole local stack as `npm start` runs it, through its frontend.
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
    const npmStart = await startNpmStart()
    baselines.push({ child: npmStart.child, url: npmStart.url, stop: npmStart.stop })
    const ratios: Ratio[] = []
    const medians: LoadResult[] = []
    const all: LoadResult[] = []
    for (const [n, minRatio] of Object.entries(TARGETS)) {
      const targets: Target[] = [
        { name: 'prime', url: stack.urls.prime as string, path: `/check/${n}`, pids: { prime: stack.pids.prime as number } },
        { name: 'flask-dev', url: dev.url, path: `/check/${n}`, pids: { 'flask-dev': dev.child.pid } },
        { name: 'gunicorn', url: gunicorn.url, path: `/check/${n}`, pids: { gunicorn: gunicorn.child.pid } },
        { name: 'npm start frontend', url: npmStart.url, path: `/api/prime/check/${n}`, pids: { 'npm start': npmStart.child.pid } }
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
        npmStartRatio(n, ratio(rps('npm start frontend'), rps('flask-dev'))),
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

function npmStartRatio (n: string, value: number): Ratio {
  const min = NPM_START_TARGETS[n]
  const name = `n=${n}: npm start's frontend / flask dev server`
  return min === undefined ? { name, value } : { name, value, target: `>= ${min}`, met: value >= min }
}

stopChildrenOnSignal()
main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
