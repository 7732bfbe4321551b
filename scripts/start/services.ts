// The three services `npm start` runs: their ports, the variables that move them, how each is started.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT } from './build.js'

export type ServiceName = 'prime' | 'classifier' | 'frontend' | 'page'

export interface ServiceSpec {
  name: ServiceName
  /** The variable that sets the port, named in every port problem. */
  portVariable?: 'PRIME_PORT' | 'CLASSIFIER_PORT' | 'FRONTEND_PORT'
  port?: number
  hue: string
}

export const DEFAULT_PORTS = { PRIME_PORT: 8081, CLASSIFIER_PORT: 8082, FRONTEND_PORT: 8080 } as const

function portOf (env: NodeJS.ProcessEnv, variable: keyof typeof DEFAULT_PORTS): number {
  const raw = env[variable]
  if (raw === undefined || raw === '') return DEFAULT_PORTS[variable]
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${variable}="${raw}" is not a port number (0-65535)`)
  return port
}

/** prime, classifier, frontend; `--dev` adds the page watcher. Throws on a bad port variable. */
export function serviceSpecs (env: NodeJS.ProcessEnv): Record<Exclude<ServiceName, 'page'>, ServiceSpec> {
  return {
    prime: { name: 'prime', portVariable: 'PRIME_PORT', port: portOf(env, 'PRIME_PORT'), hue: '36' },
    classifier: { name: 'classifier', portVariable: 'CLASSIFIER_PORT', port: portOf(env, 'CLASSIFIER_PORT'), hue: '35' },
    frontend: { name: 'frontend', portVariable: 'FRONTEND_PORT', port: portOf(env, 'FRONTEND_PORT'), hue: '32' }
  }
}

export const PAGE_WATCHER: ServiceSpec = { name: 'page', hue: '34' }

/** The command line of a service: its build, or `tsx watch` on its sources with `--dev`. */
export function commandOf (spec: ServiceSpec, dev: boolean): { args: string[], cwd: string } {
  if (spec.name === 'page') return { args: ['scripts/build-page.mjs', '--watch'], cwd: resolve(ROOT, 'services/frontend') }
  const cwd = resolve(ROOT, 'services', spec.name)
  // Not `node --watch`: it reports module loads as messages on every Worker, which the services' pools would take for theirs.
  return { args: dev ? [fileURLToPath(import.meta.resolve('tsx/cli')), 'watch', 'src/server.ts'] : ['dist/server.js'], cwd }
}

/** `http://host:port`, with a wildcard host replaced by loopback (where a browser can reach it). */
export function urlOf (host: string, port: number): string {
  const reach = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}`
}

/** The one line for a port a service could not bind, naming the variable that moves it. */
export function portProblem (spec: ServiceSpec, failure: { code: string, address: string, port: number }): string {
  const variable = spec.portVariable ?? 'PORT'
  if (failure.code === 'EADDRINUSE') return `port ${failure.port} is already in use (${spec.name}): set ${variable} to a free port, e.g. ${variable}=${failure.port + 10} npm start`
  if (failure.code === 'EACCES') return `port ${failure.port} needs privileges (${spec.name}): set ${variable} to a port above 1023`
  return `HOST=${failure.address} is not an address of this machine (${spec.name}): set HOST to one of its addresses, or 0.0.0.0`
}
