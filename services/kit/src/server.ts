import closeWithGrace from 'close-with-grace'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { serverErrorOptions } from './client-errors.js'
import { ConfigError } from './config.js'
import { isSupervised, tellSupervisor, whenSupervisorGone } from './supervision.js'
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './timeouts.js'

export const DEFAULT_CLOSE_GRACE_MS = 10_000

/** How often Node enforces the timeouts (timeouts.ts); its default (30 s) let a 30 s timeout fire anywhere up to 60 s. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000

export interface ServerOptions {
  /** Service name, shown in every log line. */
  name: string
  logLevel?: string
  /** A log line per request and per answer (ACCESS_LOG); off by default, they cost more than a small request. */
  accessLog?: boolean
  /** Extra fastify options (bodyLimit, timeouts...). */
  fastify?: FastifyServerOptions
}

/** A fastify instance with the project's standard logger and timeouts, and JSON errors before routing (client-errors.ts). */
export function createServer (opts: ServerOptions): FastifyInstance {
  const requestTimeout = opts.fastify?.requestTimeout ?? REQUEST_TIMEOUT_MS
  return Fastify({
    ...serverErrorOptions,
    logger: { level: opts.logLevel ?? 'info', base: { service: opts.name } },
    logController: new LogController({ disableRequestLogging: opts.accessLog !== true }),
    requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: { headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout), connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    // fastify's closing 503 is not the service's JSON: the kit's drain answers the table's `shutting_down` instead (service()).
    return503OnClosing: false,
    ...opts.fastify
  })
}

/** A listen() that failed for a reason the user fixes with PORT or HOST: no stack trace, one line. */
export class ListenError extends Error {
  constructor (readonly code: string, readonly address: string, readonly port: number, message: string) {
    super(message)
    this.name = 'ListenError'
  }
}

const LISTEN_PROBLEMS: Record<string, [problem: string, fix: string]> = {
  EADDRINUSE: ['the port is already in use', 'set PORT to a free port'],
  EACCES: ['permission denied (ports below 1024 need privileges)', 'set PORT to a port above 1023'],
  EADDRNOTAVAIL: ['that address is not one of this machine\'s', 'set HOST to one of its addresses (or 0.0.0.0)']
}

function listenError (err: unknown, where: { host: string, port: number }): unknown {
  const code = (err as { code?: unknown }).code
  const known = typeof code === 'string' && Object.hasOwn(LISTEN_PROBLEMS, code) ? LISTEN_PROBLEMS[code] : undefined
  if (known === undefined || typeof code !== 'string') return err
  return new ListenError(code, where.host, where.port, `cannot listen on ${where.host}:${where.port}: ${known[0]} (${code}); ${known[1]}`)
}

/**
 * Listens, then closes gracefully on SIGINT/SIGTERM, or when the supervisor that
 * started it (`npm start`) goes away: stops accepting, lets in-flight requests
 * finish (new ones meanwhile get the table's `shutting_down` 503: the kit's drain), runs every `onClose` hook,
 * then exits. A supervisor is told the address once the socket is bound.
 */
export async function listen (server: FastifyInstance, where: { host: string, port: number }, graceMs = DEFAULT_CLOSE_GRACE_MS): Promise<string> {
  const closer = closeWithGrace({ delay: graceMs }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'closing after an uncaught error')
    else server.log.info(signal === undefined ? {} : { signal }, 'closing')
    await server.close()
  })
  whenSupervisorGone(() => {
    server.log.info('the process that started this service has exited')
    closer.close()
  })
  let url: string
  try {
    url = await server.listen(where)
  } catch (err) {
    throw listenError(err, where)
  }
  await tellSupervisor({ type: 'listening', url })
  return url
}

/**
 * Runs a service entry point. A bad configuration or an unusable port prints one
 * line saying what to change (or, under a supervisor, tells it, and it prints the
 * line) and exits 1; anything else prints the error with its stack.
 */
export function main (entry: () => Promise<unknown>): void {
  entry().catch(async (err: unknown) => {
    if (err instanceof ListenError && isSupervised()) {
      await tellSupervisor({ type: 'listen-failed', code: err.code, address: err.address, port: err.port, message: err.message })
    } else if (err instanceof ConfigError || err instanceof ListenError) {
      console.error(err.message)
    } else {
      console.error(err)
    }
    process.exit(1)
  })
}
