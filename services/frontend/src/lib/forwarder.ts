import type { IncomingHttpHeaders } from 'node:http'
import type { HttpError } from '@inference-stack/kit/contract'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Pool, type Dispatcher } from 'undici'
import type { ReceivedBody } from './body-buffer.js'
import { endToEnd } from './hop-by-hop.js'
import { DeadlineError, rootCode, upstreamBusy, upstreamFailure, type Upstream } from './upstream.js'

/** An answer larger than this is cut (502): the services answer JSON of a few MB at most. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024

export interface ForwarderOptions {
  /** Connections to the upstream, at most. */
  connections: number
  /** Requests that may wait for a free connection; beyond, 503 + Retry-After at once. */
  maxQueue: number
  /** Called with the answer's code when a forward fails (metrics). */
  onFailure?: (code: string) => void
}

/**
 * One upstream's connection pool (undici) and what the frontend promises about it: at most
 * `connections + maxQueue` requests in progress or waiting (then 503 + Retry-After), an answer
 * within the upstream's `timeoutMs` from the moment a request is forwarded (then 504, however long
 * it waited for a connection), hop-by-hop headers dropped both ways, and retries only where they
 * are safe (Exchange.#stale). Request bodies arrive here complete (lib/body-buffer.ts), so a
 * connection is only ever held for the upstream's own time, never for a slow client's.
 */
export class Forwarder {
  readonly #pool: Pool
  readonly #limit: number
  #inFlight = 0

  constructor (readonly upstream: Upstream, readonly options: ForwarderOptions) {
    this.#pool = new Pool(upstream.url, {
      connections: options.connections,
      pipelining: 1,
      headersTimeout: upstream.timeoutMs,
      bodyTimeout: upstream.timeoutMs
    })
    this.#limit = options.connections + options.maxQueue
  }

  /** Sends `path` (query string included) to the upstream and the answer to `reply`; `reply` is answered in every case. */
  forward (request: FastifyRequest, reply: FastifyReply, path: string, body: ReceivedBody | null): void {
    if (this.#inFlight >= this.#limit) {
      this.fail(reply, upstreamBusy(this.upstream, this.#inFlight))
      return
    }
    this.#inFlight++
    const headers = endToEnd(request.headers)
    if (body !== null) headers['content-length'] = String(body.bytes)
    const exchange = new Exchange(this, reply, { path, method: request.method as Dispatcher.HttpMethod, headers, body: bodyOf(body) })
    this.dispatch(exchange)
  }

  /** @internal Sends (or sends again) an exchange's request on the pool. */
  dispatch (exchange: Exchange): void {
    this.#pool.dispatch(exchange.request, exchange)
  }

  /** @internal An exchange is over (answered, failed or timed out). */
  done (): void { this.#inFlight-- }

  /** @internal Counts `error` and answers `reply` with it: the kit's error handler sends its table entry (Retry-After included) and logs it. */
  fail (reply: FastifyReply, error: HttpError): void {
    this.options.onFailure?.(error.code)
    reply.send(error)
  }

  /** After the server has drained: what is still pending was for clients that left. */
  async close (): Promise<void> {
    await this.#pool.destroy()
  }
}

/**
 * The chunks as they came: one as it is, several written one after the other (undici documents
 * iterables as bodies; its type declarations omit them).
 */
function bodyOf (body: ReceivedBody | null): Dispatcher.DispatchOptions['body'] {
  if (body === null) return null
  if (body.chunks.length <= 1) return body.chunks[0] ?? EMPTY
  return body.chunks as Iterable<Buffer> as unknown as Dispatcher.DispatchOptions['body']
}

const EMPTY = Buffer.alloc(0)

/**
 * The errors of a connection the upstream closed as the request went out on it: a kept-alive one
 * it closed as idle (a service stopping on SIGTERM closes all of them at once, or its keep-alive
 * timeout raced the request), or a new one the kernel had accepted for a listener that closed
 * before taking it (reset).
 */
const STALE_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'])
/**
 * Tries after the first, each after a short pause (5, 10, 20 ms): enough for the other connections
 * the upstream closed at the same moment to be seen closed, so a stopping service ends as a
 * refused connection (503 + Retry-After) or an answer, not a 502.
 */
export const STALE_RETRIES = 3
const STALE_RETRY_PAUSE_MS = 5

/** One forwarded request: undici's handler, with its deadline. A class, not closures: one object per request. */
class Exchange implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined
  #status = 0
  #headers: IncomingHttpHeaders = {}
  #chunks: Buffer[] = []
  #bytes = 0
  #finished = false
  #retries = 0
  readonly #timer: NodeJS.Timeout

  constructor (readonly forwarder: Forwarder, readonly reply: FastifyReply, readonly request: Dispatcher.DispatchOptions) {
    this.#timer = setTimeout(Exchange.#expire, forwarder.upstream.timeoutMs, this)
    reply.raw.once('close', this.#clientClosed)
  }

  /** The answer's 'close': before it was written, the client left (kit clientGone reads it the same way). */
  readonly #clientClosed = (): void => {
    if (this.#finished || this.reply.raw.writableFinished) return
    // Still queued for a connection: aborted when it starts (onRequestStart).
    this.#controller?.abort(new Error('the client went away before its answer'))
    this.#finish(undefined)
  }

  static #retry (exchange: Exchange): void {
    // Answered meanwhile (its deadline passed) or its client left: nothing to send.
    if (exchange.#finished || exchange.reply.raw.destroyed) return
    exchange.forwarder.dispatch(exchange)
  }

  static #expire (exchange: Exchange): void {
    // Still queued for a connection: undici cannot drop it, so it is aborted when it starts.
    exchange.#controller?.abort(new DeadlineError('deadline'))
    exchange.#finish(new DeadlineError('deadline'))
  }

  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    // Timed out while queued, or the client left: the upstream need not work for nobody.
    if (this.#finished || this.reply.raw.destroyed) controller.abort(new DeadlineError('not needed'))
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#status = statusCode
    this.#headers = headers
  }

  onResponseData (controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bytes += chunk.length
    if (this.#bytes > MAX_ANSWER_BYTES) controller.abort(new Error(`answer over ${MAX_ANSWER_BYTES} bytes`))
    else this.#chunks.push(chunk)
  }

  onResponseEnd (): void {
    this.#finish(undefined)
  }

  onResponseError (_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#stale(error)) {
      this.#controller = undefined
      setTimeout(Exchange.#retry, STALE_RETRY_PAUSE_MS * 2 ** this.#retries++, this)
      return
    }
    this.#finish(error)
  }

  /**
   * Sent again, on another connection: a request whose connection the upstream closed before any
   * byte of an answer came, up to STALE_RETRIES times, while its deadline and its client last.
   * Safe for every route the frontend forwards: a prime check, a classification and a KServe
   * inference change nothing on the service, so one that did arrive costs work, never a second
   * effect. The body is the same bytes (held whole until the answer is over). Without it, a
   * service's graceful stop would show as a 502 to whoever raced its closing connections.
   */
  #stale (error: Error): boolean {
    if (this.#retries >= STALE_RETRIES || this.#finished || this.#status !== 0 || this.reply.raw.destroyed) return false
    const code = rootCode(error)
    return code !== undefined && STALE_CONNECTION_CODES.has(code)
  }

  #finish (error: Error | undefined): void {
    if (this.#finished) return
    this.#finished = true
    clearTimeout(this.#timer)
    this.forwarder.done()
    const reply = this.reply
    if (reply.sent || reply.raw.destroyed) return
    if (error !== undefined) {
      this.forwarder.fail(reply, upstreamFailure(this.forwarder.upstream, error))
      return
    }
    const headers = endToEnd(this.#headers)
    // An answer to HEAD has no body but tells the length of the GET's.
    const length = this.#headers['content-length']
    if (reply.request.method === 'HEAD' && length !== undefined) headers['content-length'] = length
    reply.code(this.#status).headers(headers)
    reply.send(this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#bytes))
  }
}
