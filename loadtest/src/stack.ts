import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, spawnChild, waitForHttp, type Child } from '@inference-stack/kit/child'
import { TEST_MODEL, testModelsDir } from '@inference-stack/test-assets'
import { REPO_ROOT } from './paths.js'

export type ServiceName = 'prime' | 'classifier' | 'frontend'

/** The small, fast model keeps load runs and CI smoke runs within a 2-core machine. */
export const DEFAULT_LOADTEST_MODEL = TEST_MODEL

export interface Stack {
  urls: Partial<Record<ServiceName, string>>
  /** Where each service serves /metrics: its own URL, except the frontend's METRICS_PORT. */
  metricsUrls: Partial<Record<ServiceName, string>>
  pids: Partial<Record<ServiceName, number>>
  close: () => Promise<void>
}

export interface StackOptions {
  services: ServiceName[]
  /** Extra env per service (e.g. classifier batch settings). */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>
}

/** The frontend serves its page from a build; make one if this checkout has none (esbuild, about a second). */
function ensurePageBuilt (): void {
  if (existsSync(join(REPO_ROOT, 'services', 'frontend', 'dist', 'public', 'index.html'))) return
  const build = spawnSync(process.execPath, [join('services', 'frontend', 'scripts', 'build-page.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' })
  if (build.status !== 0) throw new Error(`building the frontend page failed:\n${build.stderr}`)
}

function newestMtime (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/**
 * The built `dist/server.js` when the build is newer than every source file (no tsx
 * loader thread in the measured RSS), else the sources through tsx.
 */
export function serviceEntry (name: ServiceName): string[] {
  const dir = join(REPO_ROOT, 'services', name)
  const built = join(dir, 'dist', 'server.js')
  if (existsSync(built) && newestMtime(join(dir, 'dist')) >= newestMtime(join(dir, 'src'))) return [built]
  return ['--import', 'tsx', join(dir, 'src', 'server.ts')]
}

async function startService (name: ServiceName, env: NodeJS.ProcessEnv): Promise<{ child: Child, url: string }> {
  const port = await freePort()
  const child = spawnChild(name, process.execPath, serviceEntry(name), {
    cwd: REPO_ROOT,
    // warn: per-request info logs would cost more than some requests themselves.
    env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) }
  })
  const url = `http://127.0.0.1:${port}`
  try {
    // The frontend's readiness needs every upstream; a run may start only some of them.
    await waitForHttp(child, `${url}${name === 'frontend' ? '/healthz' : '/readyz'}`)
  } catch (err) {
    await child.stop()
    throw err
  }
  return { child, url }
}

/**
 * Starts the local stack as child processes on free ports, backends first,
 * each from its TypeScript sources; resolves once every /readyz answers 200.
 */
export async function startStack (opts: StackOptions): Promise<Stack> {
  const children: Child[] = []
  const stack: Stack = {
    urls: {},
    metricsUrls: {},
    pids: {},
    close: async () => { await Promise.all(children.map(async (c) => await c.stop())) }
  }
  const order: ServiceName[] = ['prime', 'classifier', 'frontend']
  try {
    for (const name of order.filter((s) => opts.services.includes(s))) {
      const env: NodeJS.ProcessEnv = { ...opts.env?.[name] }
      if (name === 'classifier') {
        const model = process.env.MODEL ?? DEFAULT_LOADTEST_MODEL
        // The test model comes from MODELS_DIR or is fetched like the tests do; another one is the classifier's to find.
        const modelsDir = model === TEST_MODEL ? await testModelsDir() : process.env.MODELS_DIR
        Object.assign(env, { MODEL: model, ...(modelsDir ? { MODELS_DIR: modelsDir } : {}), ...opts.env?.classifier })
      }
      if (name === 'frontend') {
        ensurePageBuilt()
        // A backend that is not started still gets a URL: the frontend answers 503 for it.
        env.PRIME_URL = stack.urls.prime ?? `http://127.0.0.1:${await freePort()}`
        env.CLASSIFIER_URL = stack.urls.classifier ?? `http://127.0.0.1:${await freePort()}`
        // The frontend serves /metrics on a port of its own, never the public one.
        env.METRICS_PORT = String(await freePort())
        Object.assign(env, opts.env?.frontend)
      }
      const { child, url } = await startService(name, env)
      children.push(child)
      stack.urls[name] = url
      stack.metricsUrls[name] = name === 'frontend' ? `http://127.0.0.1:${env.METRICS_PORT}` : url
      stack.pids[name] = child.pid
    }
  } catch (err) {
    await stack.close()
    throw err
  }
  return stack
}
