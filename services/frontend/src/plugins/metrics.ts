import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed forwards by upstream and answer code (timeouts, refused connections, resets). */
    upstreamFailures: Counter<'upstream' | 'code'>
  }
}

/**
 * Failed forwards per upstream, beside the kit's process and HTTP metrics. Not served on the public
 * port: plugins/metrics-port.ts serves them on METRICS_PORT.
 */
export const frontendMetrics = fp(async function frontendMetrics (app: FastifyInstance) {
  app.decorate('upstreamFailures', new Counter({
    name: 'frontend_upstream_failures_total',
    help: 'Requests the frontend could not forward, by upstream and error code.',
    labelNames: ['upstream', 'code'] as const,
    registers: [app.metrics]
  }))
}, { name: 'frontend-metrics', dependencies: ['kit-metrics'] })
