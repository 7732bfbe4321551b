import { service } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { FRONTEND_ERRORS, UNAVAILABLE_RETRY_AFTER_S, type FrontendConfig } from './contract.js'
import { healthProbe } from './lib/probe.js'
import type { Upstream } from './lib/upstream.js'
import { docs } from './plugins/docs.js'
import { frontendMetrics } from './plugins/metrics.js'
import { metricsPort } from './plugins/metrics-port.js'
import { proxy } from './plugins/proxy.js'
import { rateLimiting } from './plugins/rate-limit.js'
import { security } from './plugins/security.js'
import { staticPage } from './plugins/static.js'

export interface AppOptions {
  config: FrontendConfig
  /** Serve /metrics on METRICS_PORT (server.ts does; tests that build many apps opt in). */
  metricsListener?: boolean
}

/**
 * The frontend, the one public port: the page, the public API routes forwarded to prime and the
 * classifier, one OpenAPI document at /docs, health. Metrics are on METRICS_PORT.
 */
export default fp(async function frontendApp (app: FastifyInstance, { config, metricsListener = false }: AppOptions) {
  const prime: Upstream = { name: 'prime', url: config.PRIME_URL, timeoutMs: config.PRIME_TIMEOUT_MS }
  const classifier: Upstream = { name: 'classifier', url: config.CLASSIFIER_URL, timeoutMs: config.CLASSIFIER_TIMEOUT_MS }

  // First: its onRequest hook puts the security headers on every answer, /healthz's included.
  await app.register(security)
  await app.register(service, {
    name: 'frontend',
    errors: FRONTEND_ERRORS,
    retryAfterS: UNAVAILABLE_RETRY_AFTER_S,
    metrics: { route: false },
    health: {
      checks: {
        prime: healthProbe(prime, config.PROBE_TIMEOUT_MS),
        classifier: healthProbe(classifier, config.PROBE_TIMEOUT_MS)
      }
    },
    // The merged document of the public routes is the docs plugin's.
    openapi: false
  })
  await app.register(frontendMetrics)
  await app.register(rateLimiting, { max: config.RATE_LIMIT_MAX, timeWindowMs: config.RATE_LIMIT_WINDOW_MS })
  if (metricsListener) await app.register(metricsPort, { host: config.HOST, port: config.METRICS_PORT })
  await app.register(proxy, {
    prime,
    classifier,
    bodyLimits: { image: config.MAX_UPLOAD_BYTES, infer: config.MAX_INFER_BYTES, prime: config.MAX_PRIME_BODY_BYTES },
    bodyTimeoutMs: config.BODY_TIMEOUT_MS,
    maxBufferedBytes: config.MAX_BUFFERED_BYTES,
    connections: config.UPSTREAM_CONNECTIONS,
    maxQueue: config.UPSTREAM_MAX_QUEUE
  })
  await app.register(docs, { upstreams: [prime, classifier], timeoutMs: config.PROBE_TIMEOUT_MS })
  await app.register(staticPage, { root: config.PUBLIC_DIR })
}, { name: 'frontend-app' })
