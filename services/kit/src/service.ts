import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { drain } from './drain.js'
import type { ErrorTable } from './error-table.js'
import { errors } from './errors.js'
import { expectContinue } from './expect-continue.js'
import { health, type HealthOptions } from './health.js'
import { lingeringClose } from './lingering-close.js'
import { metrics, type MetricsOptions } from './metrics.js'
import { openapi, type OpenApiOptions } from './openapi.js'
import { strictQueryNumbers } from './query-numbers.js'

export interface ServiceOptions {
  /** The `service` label of every metric, and the name of `<name>_rejected_requests_total`. */
  name: string
  /** The service's error table (its contract module): every error answer and rejection reason. */
  errors: ErrorTable
  /** RETRY_AFTER_S: seconds of Retry-After on the answers whose entry asks for one. */
  retryAfterS?: number
  health?: HealthOptions
  metrics?: Pick<MetricsOptions, 'route'>
  /** The OpenAPI document at /docs, or `false` for a service that serves its own (the frontend's merged one). */
  openapi: OpenApiOptions | false
}

/**
 * What every service is built on, in one fixed order before its own plugins and routes: metrics
 * (so the other hooks' time is measured and refusals have a registry), the error handler and its
 * rejection counter, number query parameters held to finite decimals, drain on close (requests
 * arriving then get the table's `shutting_down`), lingering close after an answer that comes
 * before its request's whole body, `Expect: 100-continue` and declared bodies over a route's limit
 * (answered from the table's `body_too_large`), `/healthz` and `/readyz`, and the OpenAPI
 * document, which sees every route registered after it.
 */
export const service = fp(async function service (app: FastifyInstance, opts: ServiceOptions) {
  await app.register(metrics, { service: opts.name, ...opts.metrics })
  await app.register(errors, { table: opts.errors, retryAfterS: opts.retryAfterS, rejectedMetric: `${opts.name}_rejected_requests_total` })
  strictQueryNumbers(app, opts.errors)
  await app.register(drain, { name: opts.name, shuttingDown: opts.errors.specs.shutting_down })
  await app.register(lingeringClose)
  await app.register(expectContinue, { tooLarge: opts.errors.specs.body_too_large })
  await app.register(health, opts.health ?? {})
  if (opts.openapi !== false) await app.register(openapi, opts.openapi)
}, { name: 'kit-service' })
