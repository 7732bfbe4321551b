import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { FRONTEND_ERRORS } from '../contract.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The onRequest hook that limits a client's requests to the API, or null when RATE_LIMIT_MAX is 0. */
    apiRateLimit: onRequestHookHandler | null
  }
}

export interface RateLimitingOptions {
  /** Requests per client per window (RATE_LIMIT_MAX); 0 turns limiting off. */
  max: number
  timeWindowMs: number
}

/**
 * Per-client rate limiting of the public API routes (@fastify/rate-limit, in memory): past `max`
 * requests in a window, 429 JSON with Retry-After and the x-ratelimit-* headers. The client is
 * `request.ip`: the peer address, or the client X-Forwarded-For names when TRUST_PROXY says which
 * proxies in front to believe (fastify's trustProxy); never a header a client could forge.
 * The page, /docs and the health routes are not limited.
 */
export const rateLimiting = fp(async function rateLimiting (app: FastifyInstance, opts: RateLimitingOptions) {
  if (opts.max === 0) {
    app.decorate('apiRateLimit', null)
    return
  }
  await app.register(rateLimit, {
    global: false,
    max: opts.max,
    timeWindow: opts.timeWindowMs,
    errorResponseBuilder: (request, context) => FRONTEND_ERRORS.error('rate_limited',
      `${request.ip} sent more than ${context.max} API requests in ${opts.timeWindowMs / 1000} s (RATE_LIMIT_MAX); retry in ${context.after}`)
  })
  app.decorate('apiRateLimit', app.rateLimit())
}, { name: 'frontend-rate-limit' })
