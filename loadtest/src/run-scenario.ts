import { classifierRun } from './classifier-run.js'
import { DEFAULT_CONNECTIONS, DEFAULT_DURATION_SEC, DEFAULT_OPEN_CONNECTIONS, DEFAULT_WARMUP_SEC, measure } from './measure.js'
import { RESULTS_DIR, TABLE_PATH } from './paths.js'
import type { LoadResult } from './result.js'
import { writeResult } from './result.js'
import { SCENARIOS } from './scenarios/index.js'
import type { Route, ScenarioOptions } from './scenarios/scenario.js'
import { startStack, type ServiceName, type Stack, type StackOptions } from './stack.js'

export interface RunOptions {
  scenario: string
  /** `direct` to the backend or through the `frontend` (default: the scenario's first route). */
  route?: Route
  /** An already running target; without it the local stack is started as child processes. */
  url?: string
  /** Processes to sample when `url` is given, e.g. `{ prime: 1234 }`. */
  pids?: Record<string, number>
  mode?: LoadResult['mode']
  connections?: number
  rate?: number
  durationSec?: number
  warmupSec?: number
  resultsDir?: string
  tablePath?: string
  /** Image uploads as raw bodies (default) or multipart forms. */
  upload?: ScenarioOptions['upload']
  stackEnv?: StackOptions['env']
  /** A local stack that is already running (tests share one across scenarios). */
  stack?: Stack
  quiet?: boolean
}

/** The processes of the services this scenario uses (a shared stack may run more). */
function scenarioPids (services: ServiceName[], stack: Stack | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of services) {
    const pid = stack?.pids[s]
    if (pid !== undefined) out[s] = pid
  }
  return out
}

/** Runs one scenario end to end; returns the result and the JSON file it was written to. */
export async function runScenario (opts: RunOptions): Promise<{ result: LoadResult, file: string }> {
  const scenario = SCENARIOS[opts.scenario]
  if (scenario === undefined) throw new Error(`unknown scenario "${opts.scenario}"; one of: ${Object.keys(SCENARIOS).join(', ')}`)
  const route = opts.route ?? scenario.routes[0] ?? 'direct'
  if (!scenario.routes.includes(route)) throw new Error(`scenario ${scenario.name} runs only ${scenario.routes.join(' or ')}`)
  const requests = await scenario.requests(route, { upload: opts.upload })
  const mode = opts.mode ?? (opts.rate !== undefined ? 'open' : 'closed')
  const own = opts.url === undefined && opts.stack === undefined
  const stack = own ? await startStack({ services: scenario.services(route), env: opts.stackEnv }) : opts.stack
  try {
    const url = opts.url ?? stack?.urls[route === 'frontend' ? 'frontend' : scenario.backend]
    if (url === undefined) throw new Error('no target URL')
    const result = await measure({
      scenario: scenario.name,
      url,
      via: opts.url === undefined ? route : 'external',
      requests,
      mode,
      connections: opts.connections ?? (mode === 'open' ? DEFAULT_OPEN_CONNECTIONS : DEFAULT_CONNECTIONS),
      rate: opts.rate,
      durationSec: opts.durationSec ?? DEFAULT_DURATION_SEC,
      warmupSec: opts.warmupSec ?? DEFAULT_WARMUP_SEC,
      pids: opts.pids ?? scenarioPids(scenario.services(route), stack),
      quiet: opts.quiet
    })
    if (scenario.services(route).includes('classifier')) {
      const ran = await classifierRun(url, route === 'frontend')
      if (ran !== undefined) result.classifier = ran
      else if (opts.quiet !== true) process.stderr.write(`could not ask the classifier for its model and provider (${url}): the result does not record them\n`)
    }
    const file = await writeResult(result, { resultsDir: opts.resultsDir ?? RESULTS_DIR, tablePath: opts.tablePath ?? TABLE_PATH })
    return { result, file }
  } finally {
    if (own) await stack?.close()
  }
}
