import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import { answerBeforeRouting, clientErrorAnswer } from './client-errors.js'
import { errorBody } from './error-schema.js'
import { HttpError, type ErrorSpec, type ErrorTable, type RejectReason } from './error-table.js'

/**
 * The body shape of error answers: `json` is `{ "error": { "code", "message" } }`; `kserve` is the
 * Open Inference Protocol's `{ "error": "message" }` (the classifier's /v2 routes).
 */
export type ErrorFormat = 'json' | 'kserve'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body shape of this route's error answers (default `json`); see {@link errorFormat}. */
    errorFormat?: ErrorFormat
  }
}

export interface ErrorsOptions {
  table: ErrorTable
  /** Seconds of Retry-After on answers whose entry asks for the service's (RETRY_AFTER_S) and that carry no estimate of their own; an entry may fix its own. */
  retryAfterS?: number
  /** Counts every answer made from the table, by reason, in a counter of this name (in `app.metrics`). */
  rejectedMetric?: string
}

/** An error as it is answered. `expected`: made from the table (or fastify's own 4xx), not a bug. */
export interface Answer { status: number, code: string, message: string, reason: RejectReason, retryAfter: boolean | number, retryAfterMs?: number, expected: boolean }

/** fastify's own 4xx errors that have no entry: their status says which reason. */
function reasonOfStatus (status: number): RejectReason {
  if (status === 413 || status === 414 || status === 431) return 'too_large'
  if (status === 415) return 'unsupported'
  if (status === 404) return 'not_found'
  if (status === 408) return 'timeout'
  return 'bad_input'
}

/** The client went away mid-body: nobody reads the answer, and it is no fault of the service. */
function clientLeft (err: FastifyError | HttpError, request: FastifyRequest): boolean {
  return request.raw.aborted || (err.code === 'ECONNRESET' && err.message === 'aborted')
}

const fromSpec = (spec: ErrorSpec, message: string): Answer => ({ ...spec, message, retryAfter: spec.retryAfter ?? false, expected: true })

/** How the handler answers an error: from its table entry, as fastify's own 4xx, or as a bug. */
function answerFor (err: FastifyError | HttpError, request: FastifyRequest, table: ErrorTable): Answer {
  if (err instanceof HttpError) {
    return { status: err.statusCode, code: err.code, message: err.message, reason: err.reason, retryAfter: err.retryAfter, retryAfterMs: err.retryAfterMs, expected: true }
  }
  if (err.validation) {
    const where = err.validationContext ?? 'request'
    return fromSpec(table.specs.bad_request, err.validation.map((v) => `${where}${v.instancePath.replaceAll('/', '.')} ${v.message ?? 'is invalid'}`).join('; '))
  }
  if (err.code === 'FST_ERR_BAD_URL') return fromSpec(table.specs.bad_url, `${err.message}: a % must start two hex digits, and the bytes they encode must be UTF-8`)
  // fastify's own parsers counting a chunked body past the route's bodyLimit: the same entry as a declared one.
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const route = request.routeOptions.url ?? request.url.split('?')[0]
    const message = `the request body is over ${request.routeOptions.bodyLimit} bytes, the limit for ${request.method} ${route}`
    return { ...table.specs.body_too_large, message, retryAfter: false, expected: true }
  }
  if (clientLeft(err, request)) {
    return { ...table.specs.request_aborted, message: 'the client closed the connection before its request was complete', retryAfter: false, expected: true }
  }
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const code = err.code ? `${table.prefix}_${err.code.replace(/^FST_(ERR_)?/, '')}` : table.specs.bad_request.code
    return { status, code, message: err.message, reason: reasonOfStatus(status), retryAfter: false, expected: true }
  }
  const internal = table.specs.internal
  return { ...internal, status: status >= 500 ? status : 500, message: 'internal error; see the service log', retryAfter: false, expected: false }
}

/** The error answers of every route registered in `scope` after this call take `format`. */
export function errorFormat (scope: FastifyInstance, format: ErrorFormat): void {
  scope.addHook('onRoute', (route) => { route.config = { ...route.config, errorFormat: format } })
}

/**
 * The one error handler and the JSON 404 handler of a service, reading its error table: each
 * answer's status, code, Retry-After and metric reason come from the error's entry. 4xx answers
 * say what was wrong; answers the table does not name (bugs) are logged and hide their details.
 * What fastify's router and Node's HTTP parser refuse before any route runs (a bad percent-encoding,
 * a request not received in time, headers too large, malformed HTTP) gets the same body, from the
 * table's kit entries (client-errors.ts), when the server was made by `createServer`.
 */
export const errors = fp(async function errors (app: FastifyInstance, opts: ErrorsOptions) {
  const { table, retryAfterS } = opts
  if (opts.rejectedMetric !== undefined && !app.hasDecorator('metrics')) throw new Error('kit errors counts refusals in app.metrics: register kit metrics first')
  if (table.retries && retryAfterS === undefined) throw new Error(`the ${table.prefix} error table asks for Retry-After: give retryAfterS`)
  let rejected: Counter<'reason'> | undefined
  if (opts.rejectedMetric !== undefined) {
    rejected = new Counter({ name: opts.rejectedMetric, help: 'Requests refused, by reason (each error answer\'s entry in the service\'s error table).', labelNames: ['reason'] as const, registers: [app.metrics] })
    for (const reason of table.reasons) rejected.inc({ reason }, 0)
  }
  const count = (answer: Answer): void => { if (answer.expected) rejected?.inc({ reason: answer.reason }) }
  /** Milliseconds until a retry may succeed: the entry's own seconds, the error's estimate, or RETRY_AFTER_S. */
  const retryMs = (answer: Answer): number | undefined => {
    if (typeof answer.retryAfter === 'number') return answer.retryAfter * 1000
    return !answer.retryAfter || retryAfterS === undefined ? undefined : answer.retryAfterMs ?? retryAfterS * 1000
  }
  const send = (reply: FastifyReply, answer: Answer, kserveMessage: string): FastifyReply => {
    count(answer)
    const ms = retryMs(answer)
    if (ms !== undefined) reply.header('retry-after', String(Math.ceil(ms / 1000))).header('retry-after-ms', String(ms))
    const kserve = reply.request.routeOptions.config?.errorFormat === 'kserve'
    return reply.code(answer.status).send(kserve ? { error: answer.expected ? kserveMessage : answer.message } : errorBody(answer.code, answer.message, ms))
  }

  const handle = (err: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const answer = answerFor(err, request, table)
    if (!answer.expected) request.log.error({ err }, 'unhandled error')
    else if (answer.code === table.specs.request_aborted.code) request.log.info({ code: err.code }, answer.message)
    // 5xx we answer on purpose (overload, shutdown) are expected: no stack trace.
    else if (answer.status >= 500) request.log.warn({ code: answer.code, statusCode: answer.status }, answer.message)
    // KServe clients have always read fastify's own message (a validation error included).
    return send(reply, answer, err.message)
  }
  app.setErrorHandler(handle)
  app.setNotFoundHandler((request, reply) => {
    const message = `no route for ${request.method} ${request.url.split('?')[0]}`
    return send(reply, fromSpec(table.specs.not_found, message), message)
  })
  answerBeforeRouting(app, {
    routing: (err, request, reply) => { handle(err, request, reply) },
    client: (err, server) => {
      const answer = clientErrorAnswer(err, table, server)
      count(answer)
      return { ...answer, body: JSON.stringify(errorBody(answer.code, answer.message)) }
    }
  })
}, { name: 'kit-errors' })
