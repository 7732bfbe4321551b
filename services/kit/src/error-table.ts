// The error contract of a service: one table, `kind -> { status, code, reason, retryAfter }`.
// Loads without fastify: contract modules, the planner and the page's types import it.
import { DEFAULT_RETRY_AFTER_S } from './common-config.js'

/**
 * The `reason` label of `<service>_rejected_requests_total`: what kind of refusal an answer was,
 * one word for the same thing in every service.
 */
export type RejectReason =
  /** 400: the request is malformed or names a bad value. */
  | 'bad_input'
  /** 404: no such route, model or version. */
  | 'not_found'
  /** 413: a body, file or image over a limit. */
  | 'too_large'
  /** 415: a content type or image format that is not accepted. */
  | 'unsupported'
  /** 503: a bounded queue in front of the work is full (workers, connections to a service, request bodies held). */
  | 'queue_full'
  /** 503: prime's batches in progress are at PRIME_MAX_CONCURRENT_BATCHES. */
  | 'batches_in_progress'
  /** 408, 503 or 504: the request, or its result, did not come within the time limit. */
  | 'timeout'
  /** 408: the request's body did not arrive within the time limit (a slow or stalled client). */
  | 'slow_client'
  /** 429: a client sent more requests than its rate limit allows. */
  | 'rate_limited'
  /** 503: the service is closing and takes nothing new. */
  | 'shutting_down'
  /** 503: the worker deciding the request died (it is being replaced), or its inference failed. */
  | 'worker_failed'
  /** 503: the classifier has no model installed. */
  | 'no_model'
  /** 503: something the answer needs cannot be reached or is missing (a service, the built page). */
  | 'unavailable'
  /** 499: the client went away before its answer; the work it queued was dropped (nobody reads the answer). */
  | 'client_gone'
  /** 502: a service broke the connection without a valid answer. */
  | 'upstream_error'
  /** 500: a bug; never counted as a refusal. */
  | 'internal'

/** One kind of error answer, as the client and the metrics see it. */
export interface ErrorSpec {
  status: number
  /** The stable code of the body `{ "error": { "code", "message" } }`: clients and tests rely on it. */
  code: string
  reason: RejectReason
  /**
   * The same request may succeed later: the answer says when, as `Retry-After` (whole seconds,
   * rounded up), `retry-after-ms` and the body's `retry_after_ms`: `true` for the error's own estimate
   * where it carries one (`retryAfterMs`) and the service's RETRY_AFTER_S otherwise, or a number of
   * seconds the entry fixes itself (a wait no setting sizes).
   */
  retryAfter?: true | number
}

/** What `table.error()` takes besides the message: the cause, and the service's estimate of when a retry may succeed. */
export interface HttpErrorOptions extends ErrorOptions {
  /** Milliseconds until the same request may succeed (only answered where the entry has `retryAfter`). */
  retryAfterMs?: number
}

/** An error answer: its entry of the service's error table, and a message saying what was wrong. */
export class HttpError extends Error {
  readonly statusCode: number
  readonly code: string
  readonly reason: RejectReason
  /** `true`: the service's RETRY_AFTER_S (or the error's estimate); a number: these seconds; `false`: no Retry-After. */
  readonly retryAfter: boolean | number
  readonly retryAfterMs: number | undefined

  constructor (spec: ErrorSpec, message: string, options?: HttpErrorOptions) {
    super(message, options)
    this.name = 'HttpError'
    this.statusCode = spec.status
    this.code = spec.code
    this.reason = spec.reason
    this.retryAfter = spec.retryAfter ?? false
    this.retryAfterMs = options?.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterMs))
  }
}

/**
 * The entries the kit answers with in every service, named from the table's prefix: a bad request,
 * a body its client abandoned, an unknown route, a bug, a request that arrives while the service
 * closes, and what Node's HTTP parser and fastify's router refuse before any route runs (a
 * malformed percent-encoding, a request not received in time, headers too large).
 */
export type KitErrorKind = 'bad_request' | 'request_aborted' | 'not_found' | 'internal' | 'shutting_down' | 'bad_url' | 'request_timeout' | 'headers_too_large'

/** What a service's table must hold besides its own kinds: the 413 the kit gives a body over its route's limit. */
export interface RequiredErrors { body_too_large: ErrorSpec }

/**
 * A service's errors by kind. `prefix` names the service in the kit's own codes (`PRIME` gives
 * `PRIME_BAD_REQUEST`, `PRIME_NOT_FOUND`, `PRIME_INTERNAL`, and `PRIME_<fastify code>` for
 * fastify's own 4xx errors). Domain errors keep their kinds; the HTTP side turns each into
 * `table.error(kind, message, { cause })`.
 */
export class ErrorTable<K extends string = string> {
  readonly specs: Readonly<Record<K | KitErrorKind, ErrorSpec>>

  constructor (readonly prefix: string, entries: Record<K, ErrorSpec> & RequiredErrors) {
    const kit: Record<KitErrorKind, ErrorSpec> = {
      bad_request: { status: 400, code: `${prefix}_BAD_REQUEST`, reason: 'bad_input' },
      // The client closed the connection mid-body: nobody reads this answer.
      request_aborted: { status: 400, code: `${prefix}_REQUEST_ABORTED`, reason: 'bad_input' },
      not_found: { status: 404, code: `${prefix}_NOT_FOUND`, reason: 'not_found' },
      internal: { status: 500, code: `${prefix}_INTERNAL`, reason: 'internal' },
      // A table may say `retryAfter: true` instead (its service's RETRY_AFTER_S), as prime's and the classifier's do.
      shutting_down: { status: 503, code: `${prefix}_SHUTTING_DOWN`, reason: 'shutting_down', retryAfter: DEFAULT_RETRY_AFTER_S },
      bad_url: { status: 400, code: `${prefix}_BAD_URL`, reason: 'bad_input' },
      request_timeout: { status: 408, code: `${prefix}_REQUEST_TIMEOUT`, reason: 'slow_client' },
      headers_too_large: { status: 431, code: `${prefix}_HEADERS_TOO_LARGE`, reason: 'too_large' }
    }
    this.specs = Object.freeze({ ...kit, ...entries })
  }

  /** The error answer of `kind`; `options.cause` keeps the error it stands for, `options.retryAfterMs` says when to retry. */
  error (kind: K | KitErrorKind, message: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(this.specs[kind], message, options)
  }

  /** Every reason an answer of this table is counted under. */
  get reasons (): RejectReason[] {
    return [...new Set(Object.values<ErrorSpec>(this.specs).map((s) => s.reason))].filter((r) => r !== 'internal')
  }

  /** Whether any entry asks for the service's Retry-After (then the service must say how many seconds). */
  get retries (): boolean {
    return Object.values<ErrorSpec>(this.specs).some((s) => s.retryAfter === true)
  }
}
