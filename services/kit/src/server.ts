import closeWithGrace from 'close-with-grace'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { ConfigError } from './config.js'

export const DEFAULT_CLOSE_GRACE_MS = 10_000

export interface ServerOptions {
  /** Service name, shown in every log line. */
  name: string
  logLevel?: string
  /** Extra fastify options (bodyLimit, timeouts...). */
  fastify?: FastifyServerOptions
}

/** A fastify instance with the project's standard logger and timeouts. */
export function createServer (opts: ServerOptions): FastifyInstance {
  return Fastify({
    logger: { level: opts.logLevel ?? 'info', base: { service: opts.name } },
    requestTimeout: 30_000,
    // Keep-alive above typical load balancer idle timeouts avoids racing resets.
    keepAliveTimeout: 72_000,
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
