import type { FastifyError, FastifyInstance } from 'fastify'

/** An error that maps to an HTTP status and a stable machine-readable code. */
export class HttpError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message)
    this.name = 'HttpError'
  }
}

/** The JSON body of every error answer: `{ "error": { "code", "message" } }`. */
export interface ErrorBody { error: { code: string, message: string } }

export function errorBody (code: string, message: string): ErrorBody {
  return { error: { code, message } }
}

/**
 * Installs the one error handler and the JSON 404 handler for a service.
 * `prefix` names the service in codes, e.g. `PRIME` gives `PRIME_BAD_REQUEST`.
 * 4xx answers say what was wrong; 5xx answers hide internals and are logged.
 */
export function installErrorHandling (app: FastifyInstance, prefix: string): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      // 5xx we raise on purpose (overload, shutdown) are expected: no stack trace.
      if (err.statusCode >= 500) request.log.warn({ code: err.code, statusCode: err.statusCode }, err.message)
      return reply.code(err.statusCode).headers(err.headers).send(errorBody(err.code, err.message))
    }
    const fe = err as FastifyError
    if (fe.validation) {
      const where = fe.validationContext ?? 'request'
      const detail = fe.validation.map((v) => `${where}${v.instancePath.replaceAll('/', '.')} ${v.message ?? 'is invalid'}`).join('; ')
      return reply.code(400).send(errorBody(`${prefix}_BAD_REQUEST`, detail))
    }
    // fastify's own parsers counting a chunked body past the route's bodyLimit.
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const route = request.routeOptions.url ?? request.url.split('?')[0]
      return reply.code(413).send(errorBody(`${prefix}_BODY_TOO_LARGE`, `the request body is over ${request.routeOptions.bodyLimit} bytes, the limit for ${request.method} ${route}`))
    }
    // The client went away mid-body: nobody reads this answer, and it is no fault of the service.
    if (request.raw.aborted || (fe.code === 'ECONNRESET' && fe.message === 'aborted')) {
      request.log.info({ code: fe.code }, 'the client closed the connection before its request was complete')
      return reply.code(400).send(errorBody(`${prefix}_REQUEST_ABORTED`, 'the client closed the connection before its request was complete'))
    }
    const status = fe.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(fe.code ? `${prefix}_${fe.code.replace(/^FST_(ERR_)?/, '')}` : `${prefix}_BAD_REQUEST`, fe.message))
    }
    request.log.error({ err }, 'unhandled error')
    return reply.code(status >= 500 ? status : 500).send(errorBody(`${prefix}_INTERNAL`, 'internal error; see the service log'))
  })
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send(errorBody(`${prefix}_NOT_FOUND`, `no route for ${request.method} ${request.url.split('?')[0]}`))
  })
}
