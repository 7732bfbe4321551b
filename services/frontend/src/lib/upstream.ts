import type { HttpError } from '@inference-stack/kit/contract'
import { FRONTEND_ERRORS } from '../contract.js'
import type { UpstreamName } from './public-routes.js'

/** A service the frontend forwards to. */
export interface Upstream {
  /** Name used in error messages, readiness checks and metrics: `prime`, `classifier`. */
  name: UpstreamName
  url: string
  /** How long a forwarded request may take, from forwarding (queueing for a connection included) to the end of the answer. */
  timeoutMs: number
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])
const TIMEOUT_CODES = new Set(['FRONTEND_UPSTREAM_DEADLINE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/** The first system error code found on an error or its causes (undici nests them). */
export function rootCode (err: unknown): string | undefined {
  for (let e = err as { code?: unknown, cause?: unknown, errors?: unknown[] } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && !e.code.startsWith('FST_')) return e.code
    if (Array.isArray(e.errors) && e.errors.length > 0) e = e.errors[0] as typeof e
    else e = e.cause as typeof e
  }
  return undefined
}

/** An upstream that took longer than its `timeoutMs`: the forwarder aborts it and answers 504. */
export class DeadlineError extends Error {
  readonly code = 'FRONTEND_UPSTREAM_DEADLINE'
}

/** Every connection to the upstream is busy and as many requests wait as its queue holds. */
export function upstreamBusy (upstream: Upstream, waiting: number): HttpError {
  return FRONTEND_ERRORS.error('upstream_busy',
    `the ${upstream.name} service has ${waiting} requests in progress or waiting, the most allowed (UPSTREAM_CONNECTIONS + UPSTREAM_MAX_QUEUE); retry shortly`)
}

/**
 * Turns a failed forward into the answer the client gets (the error table's entries): 504 when
 * the upstream was too slow, 503 + Retry-After when it cannot be reached, 502 when it broke the
 * connection. Never HTML, never a hang.
 */
export function upstreamFailure (upstream: Upstream, err: Error): HttpError {
  const code = rootCode(err)
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return FRONTEND_ERRORS.error('upstream_unavailable', `the ${upstream.name} service is unavailable (${code} at ${upstream.url})`, { cause: err })
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return FRONTEND_ERRORS.error('upstream_timeout', `the ${upstream.name} service did not answer within ${upstream.timeoutMs} ms`, { cause: err })
  }
  return FRONTEND_ERRORS.error('upstream_error', `the ${upstream.name} service broke the connection without a valid answer (${code ?? err.message})`, { cause: err })
}
