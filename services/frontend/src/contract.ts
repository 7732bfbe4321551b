// The frontend's contract, imported as `@inference-stack/frontend/contract`: its environment and
// its error table. Its public routes are prime's and the classifier's, documented by their own
// contracts (and merged at /docs).
import { ErrorTable } from '@inference-stack/kit/contract'

export { ErrorSchema, type ErrorBody } from '@inference-stack/kit/contract'
export * from './config.js'

/** Seconds a client should wait before retrying a service that refused the connection. */
export const UNAVAILABLE_RETRY_AFTER_S = 5
/** Seconds a client should wait when the connections to a service, or the buffer for request bodies, are full. */
export const BUSY_RETRY_AFTER_S = 1

/** Every error answer of the frontend itself: `kind -> { status, code, reason, retryAfter }`. */
export const FRONTEND_ERRORS = new ErrorTable('FRONTEND', {
  bad_path: { status: 400, code: 'FRONTEND_BAD_PATH', reason: 'bad_input' },
  body_too_large: { status: 413, code: 'FRONTEND_BODY_TOO_LARGE', reason: 'too_large' },
  /** A request body that did not arrive whole within BODY_TIMEOUT_MS. */
  body_timeout: { status: 408, code: 'FRONTEND_BODY_TIMEOUT', reason: 'slow_client' },
  /** The request bodies held at once would pass MAX_BUFFERED_BYTES. */
  busy: { status: 503, code: 'FRONTEND_BUSY', reason: 'queue_full', retryAfter: BUSY_RETRY_AFTER_S },
  /** A client past RATE_LIMIT_MAX (@fastify/rate-limit sets Retry-After to the end of its window). */
  rate_limited: { status: 429, code: 'FRONTEND_RATE_LIMITED', reason: 'rate_limited' },
  /** Every connection to a service busy and UPSTREAM_MAX_QUEUE requests waiting for one. */
  upstream_busy: { status: 503, code: 'FRONTEND_UPSTREAM_BUSY', reason: 'queue_full', retryAfter: BUSY_RETRY_AFTER_S },
  upstream_unavailable: { status: 503, code: 'FRONTEND_UPSTREAM_UNAVAILABLE', reason: 'unavailable', retryAfter: true },
  upstream_timeout: { status: 504, code: 'FRONTEND_UPSTREAM_TIMEOUT', reason: 'timeout' },
  upstream_error: { status: 502, code: 'FRONTEND_UPSTREAM_ERROR', reason: 'upstream_error' },
  page_not_built: { status: 503, code: 'FRONTEND_PAGE_NOT_BUILT', reason: 'unavailable' },
  /** A request that arrives while the frontend closes (SIGTERM): a new instance, or another replica, takes the retry. */
  shutting_down: { status: 503, code: 'FRONTEND_SHUTTING_DOWN', reason: 'shutting_down', retryAfter: true }
})
