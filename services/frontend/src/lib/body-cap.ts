import { pipeline, Transform } from 'node:stream'
import { HttpError } from '@inference-stack/kit/contract'
import type { preParsingHookHandler } from 'fastify'
import { FRONTEND_ERRORS } from '../contract.js'

/**
 * A preParsing hook for a chunked body (no Content-Length, so the kit's expectContinue could not
 * judge it up front): counts the bytes on their way upstream and fails the stream with a 413 once
 * they pass `limit`. Bodies with a Content-Length pass untouched.
 */
export function capBody (limit: number): preParsingHookHandler {
  return (request, _reply, payload, done) => {
    if (request.headers['transfer-encoding'] === undefined) { done(null, payload); return }
    let seen = 0
    const counter = new Transform({
      transform (chunk: Buffer, _encoding, next) {
        seen += chunk.length
        if (seen <= limit) next(null, chunk)
        else next(FRONTEND_ERRORS.error('body_too_large', `the request body is over ${limit} bytes, the limit for ${request.method} ${request.routeOptions.url ?? ''}`))
      }
    })
    done(null, pipeline(payload, counter, () => {}))
  }
}

/** The 413 of {@link capBody} when it is what broke a forward (undici and reply-from wrap it). */
export function isTooLarge (err: unknown): HttpError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof HttpError && e.code === FRONTEND_ERRORS.specs.body_too_large.code) return e
  }
  return undefined
}
