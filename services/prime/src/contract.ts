// The prime service's contract, imported as `@inference-stack/prime/contract`: its environment,
// its route schemas, and its error table. No fastify, no worker threads: the page imports its
// types, other workspaces its values.
import { ErrorTable } from '@inference-stack/kit/contract'

export { ErrorSchema, type ErrorBody } from '@inference-stack/kit/contract'
export * from './config.js'
export * from './schemas/check.js'

/**
 * Every error answer of prime: `kind -> { status, code, reason, retryAfter }` (503s say when to retry).
 * The kit adds `PRIME_BAD_REQUEST`, `PRIME_NOT_FOUND`, `PRIME_BAD_URL`, `PRIME_REQUEST_TIMEOUT`,
 * `PRIME_HEADERS_TOO_LARGE` and `PRIME_INTERNAL`.
 */
export const PRIME_ERRORS = new ErrorTable('PRIME', {
  bad_number: { status: 400, code: 'PRIME_BAD_NUMBER', reason: 'bad_input' },
  too_many_digits: { status: 400, code: 'PRIME_TOO_MANY_DIGITS', reason: 'bad_input' },
  too_many_numbers: { status: 400, code: 'PRIME_TOO_MANY_NUMBERS', reason: 'bad_input' },
  batch_too_large: { status: 400, code: 'PRIME_BATCH_TOO_LARGE', reason: 'bad_input' },
  body_too_large: { status: 413, code: 'PRIME_BODY_TOO_LARGE', reason: 'too_large' },
  queue_full: { status: 503, code: 'PRIME_BUSY', reason: 'queue_full', retryAfter: true },
  batches_in_progress: { status: 503, code: 'PRIME_BUSY', reason: 'batches_in_progress', retryAfter: true },
  worker_failed: { status: 503, code: 'PRIME_WORKER_FAILED', reason: 'worker_failed', retryAfter: true },
  shutting_down: { status: 503, code: 'PRIME_SHUTTING_DOWN', reason: 'shutting_down', retryAfter: true },
  /** The client closed the connection before its answer: what it asked for and had not started is dropped. Nobody reads this answer. */
  client_gone: { status: 499, code: 'PRIME_CLIENT_GONE', reason: 'client_gone' }
})

export type PrimeErrorKind = keyof typeof PRIME_ERRORS.specs
