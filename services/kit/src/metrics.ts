import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    /** This service's Prometheus registry: register service metrics here. */
    metrics: Registry
  }
}

export interface MetricsOptions {
  /** Prefix for default process metrics and the service label, e.g. `prime`. */
  service: string
  /** Serve `GET /metrics` on this server (default). `false` when another listener serves `app.metrics`. */
  route?: boolean
}

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** `/metrics` in Prometheus text format: default process metrics and HTTP request durations. */
export const metrics = fp(async function metrics (app: FastifyInstance, opts: MetricsOptions) {
  const registry = new Registry()
  registry.setDefaultLabels({ service: opts.service })
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry]
  })
  app.decorate('metrics', registry)

  // A callback hook, not an async one: it runs on every answer and costs no promise.
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, never the raw URL, keeps the label set bounded.
    const route = request.routeOptions.url ?? 'unmatched'
    if (route !== '/metrics') duration.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000)
    done()
  })
  if (opts.route === false) return
  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}, { name: 'kit-metrics' })
