import { bodyLimitOf } from '@inference-stack/kit'
import type { HttpError } from '@inference-stack/kit/contract'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { FRONTEND_ERRORS } from '../contract.js'

export interface BodyBufferOptions {
  /** Time to receive a whole body (BODY_TIMEOUT_MS); then 408. */
  timeoutMs: number
  /** Bytes of request bodies held in memory at once, all requests together (MAX_BUFFERED_BYTES); beyond, 503. */
  maxBufferedBytes: number
}

/** A body received whole: its chunks as they came (never copied into one buffer) and its length. */
export interface ReceivedBody {
  chunks: Buffer[]
  bytes: number
}

/** The bytes of the buffer one request holds: what it has sent, given back when its answer is over or its body refused. */
interface Share { bytes: number }

/**
 * Request bodies are received whole here before anything is forwarded, as nginx does by default:
 * a client trickling its upload holds a socket of the frontend for at most `timeoutMs`, never a
 * connection to a service, so a few hundred slow clients cannot take the upstream pools.
 * `maxBufferedBytes` bounds the bytes really held, all requests together: each chunk is counted as
 * it arrives, so a client holds only what it has sent (a declared length costs nothing until its
 * bytes come), and a chunk that would pass the bound gets 503 and frees its body. Memory for
 * bodies stays under the bound plus one chunk per connection. A body announced with
 * `Expect: 100-continue` that would not fit in what is held now gets the 503 before its
 * `100 Continue` (`admit`, an onRequest hook), so it is never sent. The kit's lingering close
 * reads and drops the rest of a body refused mid-way.
 */
export class BodyBuffer {
  #held = 0
  readonly #shares = new WeakMap<FastifyRequest, Share>()

  constructor (readonly options: BodyBufferOptions) {}

  /** Bytes held now, all requests together. */
  get held (): number { return this.#held }

  /** onRequest: opens the request's share, given back when its answer is over; 503 for an announced body that would not fit now. */
  admit = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const share: Share = { bytes: 0 }
    this.#shares.set(request, share)
    reply.raw.once('close', () => { this.#release(share) })
    if (/^100-continue$/i.test(request.headers.expect ?? '')) {
      const length = Number(request.headers['content-length'] ?? 0)
      // Over the route's limit: the kit's expectContinue answers 413 without reading it.
      if (Number.isInteger(length) && length <= bodyLimitOf(request) && this.#held + length > this.options.maxBufferedBytes) {
        done(this.#full(length, 'its declared'))
        return
      }
    }
    done()
  }

  /** The content-type parser of the proxied body routes: the body as a ReceivedBody, or 408, 413, 503. */
  parse = (request: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: ReceivedBody) => void): void => {
    const share = this.#shares.get(request) ?? { bytes: 0 }
    const limit = bodyLimitOf(request)
    const chunks: Buffer[] = []
    let received = 0
    const finish = (err: Error | null): void => {
      clearTimeout(timer)
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      payload.removeListener('error', finish)
      if (err === null) {
        done(null, { chunks, bytes: received })
        return
      }
      // Refused: the body is dropped now, not when the connection ends.
      chunks.length = 0
      this.#release(share)
      done(err)
    }
    const onData = (chunk: Buffer): void => {
      received += chunk.length
      if (received > limit) {
        finish(FRONTEND_ERRORS.error('body_too_large', `the request body is over ${limit} bytes, the limit for ${request.method} ${request.routeOptions.url ?? ''}`))
        return
      }
      if (this.#held + chunk.length > this.options.maxBufferedBytes) {
        finish(this.#full(chunk.length, 'the next'))
        return
      }
      this.#held += chunk.length
      share.bytes += chunk.length
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

  #release (share: Share): void {
    this.#held -= share.bytes
    share.bytes = 0
  }

  #full (bytes: number, which: string): HttpError {
    return FRONTEND_ERRORS.error('busy',
      `the frontend holds ${this.#held} bytes of request bodies, and ${which} ${bytes} bytes of this one would pass its MAX_BUFFERED_BYTES (${this.options.maxBufferedBytes}); retry shortly`)
  }
}
