import { maxHeaderSize, STATUS_CODES, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { errorBody } from './error-schema.js'
import type { ErrorTable } from './error-table.js'
import type { Answer } from './errors.js'
import { isLingering } from './lingering-close.js'

/** How a server's kit error handler answers what is refused before any route runs. */
interface BeforeRouting {
  /** fastify's router: a malformed percent-encoding (`FST_ERR_BAD_URL`), a parameter too long. */
  routing: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => void
  /** Node's HTTP parser (`clientError`): the answer to write on the socket itself. */
  client: (err: NodeJS.ErrnoException, server: Server) => Answer & { body: string }
}

const handlers = new WeakMap<Server, BeforeRouting>()

/** Called by the kit's error handler: the answers of `app`'s server before routing come from its table. */
export function answerBeforeRouting (app: FastifyInstance, handler: BeforeRouting): void {
  handlers.set(app.server, handler)
}

/** The table's answer to what Node's HTTP parser refused. */
export function clientErrorAnswer (err: NodeJS.ErrnoException, table: ErrorTable, server: Server): Answer {
  const answer = (kind: 'request_timeout' | 'headers_too_large' | 'bad_request', message: string): Answer =>
    ({ ...table.specs[kind], message, retryAfter: false, expected: true })
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return answer('request_timeout', `the request was not received within ${server.requestTimeout} ms`)
  if (err.code === 'HPE_HEADER_OVERFLOW') return answer('headers_too_large', `the request line and headers are larger than ${maxHeaderSize} bytes`)
  return answer('bad_request', `malformed HTTP request (${err.code ?? err.message})`)
}

/** A response already started on this socket cannot take another one (Node's own handler checks the same). */
const answering = (socket: Socket): boolean => (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true

/**
 * fastify options that give what is refused before routing the service's JSON error body (kit
 * `createServer` sets them): fastify's own handlers answer `{ "error": "Bad Request", ... }`.
 * Client errors are the client's: logged at info, never as errors.
 */
export const serverErrorOptions: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> = {
  frameworkErrors (err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const handler = handlers.get(request.server.server)
    if (handler !== undefined) return handler.routing(err, request, reply)
    reply.code(err.statusCode ?? 400).send(errorBody('BAD_REQUEST', err.message))
  },
  clientErrorHandler (this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
    // A reset connection is gone: nothing to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    // Answered already, the rest of its body being dropped: a client that closes now (or sends a bad chunk) ends it.
    if (isLingering(socket)) { socket.destroy(); return }
    const answer = handlers.get(this.server)?.client(err, this.server) ??
      { status: 400, code: 'BAD_REQUEST', message: 'malformed HTTP request', body: JSON.stringify(errorBody('BAD_REQUEST', 'malformed HTTP request')) }
    this.log.info({ code: err.code, statusCode: answer.status }, answer.message)
    if (socket.writable && !answering(socket)) {
      socket.write(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(answer.body)}\r\nConnection: close\r\n\r\n${answer.body}`)
    }
    socket.destroy(err)
  }
}
