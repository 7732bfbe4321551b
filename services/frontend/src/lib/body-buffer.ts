import { bodyLimitOf } from '@inference-stack/kit'
import type { HttpError } from '@inference-stack/kit/contract'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { FRONTEND_ERRORS } from '../contract.js'

export interface BodyBufferOptions {
  /** Time to receive a whole body (BODY_TIMEOUT_MS); then 408. */
  timeoutMs: number
  /** Request bodies held in memory at once, all requests together (MAX_BUFFERED_BYTES); beyond, 503. */
  maxBufferedBytes: number
}

/** The bytes of the buffer one request holds, given back when its answer is over. */
interface Share { bytes: number }

/**
 * Request bodies are received whole here before anything is forwarded, as nginx does by default:
 * a client trickling its upload holds a socket of the frontend for at most `timeoutMs`, never a
 * connection to a service, so a few hundred slow clients cannot take the upstream pools. Memory is
 * bounded by `maxBufferedBytes` across all requests: a declared length is reserved before the
 * `100 Continue` goes out (`admit`, an onRequest hook), a chunked body as it arrives (`parse`).
 * A client refused mid-body has its connection closed after the answer (plugins/proxy.ts).
 */
export class BodyBuffer {
  #held = 0
  readonly #shares = new WeakMap<FastifyRequest, Share>()

  constructor (readonly options: BodyBufferOptions) {}

  /** Bytes held now, all requests together. */
  get held (): number { return this.#held }

  /** onRequest: reserves a declared body's length, or answers 503 while the buffer is full. */
  admit = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const length = Number(request.headers['content-length'] ?? 0)
    // Over the route's limit: the kit's expectContinue answers 413 without reading it.
    const declared = Number.isInteger(length) && length <= bodyLimitOf(request) ? length : 0
    if (!this.#take(declared)) { done(this.#full(declared)); return }
    const share: Share = { bytes: declared }
    this.#shares.set(request, share)
    reply.raw.once('close', () => { this.#held -= share.bytes })
    done()
  }

  /** The content-type parser of the proxied body routes: the body as one Buffer, or 408, 413, 503. */
  parse = (request: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: Buffer) => void): void => {
    const share = this.#shares.get(request) ?? { bytes: 0 }
    const limit = bodyLimitOf(request)
    // A declared length is copied into place as it arrives: no second copy, no 2x peak at the end.
    const whole = request.headers['content-length'] !== undefined && share.bytes > 0 ? Buffer.allocUnsafe(share.bytes) : undefined
    const chunks: Buffer[] = []
    let received = 0
    const finish = (err: Error | null): void => {
      clearTimeout(timer)
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      payload.removeListener('error', finish)
      if (err !== null) done(err)
      else if (whole !== undefined) done(null, whole.subarray(0, received))
      else done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received))
    }
    const onData = (chunk: Buffer): void => {
      received += chunk.length
      if (received > limit) {
        finish(FRONTEND_ERRORS.error('body_too_large', `the request body is over ${limit} bytes, the limit for ${request.method} ${request.routeOptions.url ?? ''}`))
        return
      }
      // Node's parser never delivers more than a declared Content-Length.
      if (whole !== undefined) {
        chunk.copy(whole, received - chunk.length)
        return
      }
      if (received > share.bytes) {
        if (!this.#take(received - share.bytes)) { finish(this.#full(received - share.bytes)); return }
        share.bytes = received
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => { finish(null) }
    const timer = setTimeout(() => {
      const length = request.headers['content-length']
      finish(FRONTEND_ERRORS.error('body_timeout',
        `the request body did not arrive within ${this.options.timeoutMs} ms (BODY_TIMEOUT_MS): ${received} of ${length ?? 'an unknown number of'} bytes came`))
    }, this.options.timeoutMs)
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', finish)
  }

  #take (bytes: number): boolean {
    if (this.#held + bytes > this.options.maxBufferedBytes) return false
    this.#held += bytes
    return true
  }

  #full (bytes: number): HttpError {
    return FRONTEND_ERRORS.error('busy',
      `the frontend is receiving ${this.#held} bytes of request bodies, and ${bytes} more would pass its MAX_BUFFERED_BYTES (${this.options.maxBufferedBytes}); retry shortly`)
  }
}
