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
  /** Each service's process, for signals from outside (the fault suite's kill -9, SIGSTOP, SIGTERM). */
  children: Partial<Record<ServiceName, Child>>
  /** Starts a service whose process has exited again, on the same port with the same settings; resolves once it is ready. */
  restart: (name: ServiceName) => Promise<void>
  close: () => Promise<void>
}

export interface StackOptions {
  services: ServiceName[]
  /** Extra env per service (e.g. classifier batch settings). */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>
  /** Node options per service, placed before its entry point (e.g. `--inspect=127.0.0.1:PORT`). */
  nodeArgs?: Partial<Record<ServiceName, string[]>>
  /** Each line a service writes (its JSON log lines), as it writes it. */
  onLine?: (service: ServiceName, line: string) => void
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

interface Launch { env: NodeJS.ProcessEnv, port: number, nodeArgs: string[], onLine?: (line: string) => void }

async function startService (name: ServiceName, { env, port, nodeArgs, onLine }: Launch): Promise<{ child: Child, url: string }> {
  const child = spawnChild(name, process.execPath, [...nodeArgs, ...serviceEntry(name)], {
    cwd: REPO_ROOT,
    // warn: per-request info logs would cost more than some requests themselves.
    env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) },
    ...(onLine === undefined ? {} : { onLine })
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
  const launches = new Map<ServiceName, Launch>()
  const stack: Stack = {
    urls: {},
    metricsUrls: {},
    pids: {},
    children: {},
    restart: async (name) => {
      const launch = launches.get(name)
      const old = stack.children[name]
      if (launch === undefined || old === undefined) throw new Error(`${name} was not started in this stack`)
      await old.stop()
      const { child } = await startService(name, launch)
      stack.children[name] = child
      stack.pids[name] = child.pid
    },
    close: async () => { await Promise.all(Object.values(stack.children).map(async (c) => await c.stop())) }
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
      const onLine = opts.onLine
      const launch: Launch = {
        env,
        port: await freePort(),
        nodeArgs: opts.nodeArgs?.[name] ?? [],
        ...(onLine === undefined ? {} : { onLine: (line: string) => onLine(name, line) })
      }
      launches.set(name, launch)
      const { child, url } = await startService(name, launch)
      stack.children[name] = child
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
