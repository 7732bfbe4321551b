import closeWithGrace from 'close-with-grace'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { ConfigError } from './config.js'

export const DEFAULT_CLOSE_GRACE_MS = 10_000

/** Time a client has to send a request's headers. */
export const HEADERS_TIMEOUT_MS = 15_000
/**
 * Time a client has to send a whole request body, the same in every service. The frontend, where
 * clients are, answers 408 JSON past it (BODY_TIMEOUT_MS) and forwards only complete bodies, so a
 * service behind it receives every body at once and never cuts an upload the frontend accepted.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 60_000
/** Node's own cut-off for receiving a whole request, headers and body: a backstop (bare 408, connection closed). */
export const REQUEST_TIMEOUT_MS = HEADERS_TIMEOUT_MS + DEFAULT_BODY_TIMEOUT_MS
/** Idle keep-alive connections: above typical load balancer idle timeouts, which avoids racing resets. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000
/** How often Node enforces those timeouts; its default (30 s) let a 30 s timeout fire anywhere up to 60 s. */
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

/** A fastify instance with the project's standard logger and timeouts. */
export function createServer (opts: ServerOptions): FastifyInstance {
  const requestTimeout = opts.fastify?.requestTimeout ?? REQUEST_TIMEOUT_MS
  return Fastify({
    logger: { level: opts.logLevel ?? 'info', base: { service: opts.name } },
    logController: new LogController({ disableRequestLogging: opts.accessLog !== true }),
    requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: { headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout), connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    ...opts.fastify
  })
}

/**
 * Listens, then closes gracefully on SIGINT/SIGTERM: stops accepting, lets
 * in-flight requests finish (fastify answers 503 to new ones meanwhile), runs
 * every `onClose` hook, then exits.
 */
export async function listen (server: FastifyInstance, where: { host: string, port: number }, graceMs = DEFAULT_CLOSE_GRACE_MS): Promise<string> {
  closeWithGrace({ delay: graceMs }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'closing after an uncaught error')
    else server.log.info({ signal }, 'closing')
    await server.close()
  })
  return await server.listen(where)
}

/** Runs a service entry point; a bad configuration prints what is wrong and exits 1. */
export function main (entry: () => Promise<unknown>): void {
  entry().catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message)
    else console.error(err)
    process.exit(1)
  })
}
