import type { IncomingMessage, Server } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError, type ErrorSpec } from './error-table.js'

/**
 * What a multipart body may carry beyond its route's limit, which bounds the file: the part
 * headers, the boundaries and a few small fields (curl -F adds about 200 bytes).
 */
export const MULTIPART_ALLOWANCE_BYTES = 64 * 1024

export interface ExpectContinueOptions {
  /** The 413 answer's entry of the service's error table (`body_too_large`, e.g. `PRIME_BODY_TOO_LARGE`). */
  tooLarge: ErrorSpec
}

/** Requests whose client waits for `100 Continue` before it sends the body. */
const waiting = new WeakSet<IncomingMessage>()
const servers = new WeakSet<Server>()

/** The most bytes this request's route takes: its `bodyLimit`, plus the multipart allowance for multipart bodies. */
export function bodyLimitOf (request: FastifyRequest): number {
  const limit = request.routeOptions.bodyLimit
  const type = request.headers['content-type']
  return type !== undefined && type.toLowerCase().startsWith('multipart/') ? limit + MULTIPART_ALLOWANCE_BYTES : limit
}

/**
 * `Expect: 100-continue` (curl sends it with every body over 1 MB) and a declared body too large
 * for its route. Node answers 100 Continue by itself unless the server has a `checkContinue`
 * listener: this one hands the request to fastify and holds the 100 back until the route is known.
 * Then a Content-Length over the route's limit gets the 413 at once, the body unread (Node closes
 * the connection of an answer sent without the 100, so the client never sends it); otherwise the
 * 100 goes out and the body follows. A body of unknown length (chunked) is let in and the
 * route's parser counts it.
 */
export const expectContinue = fp(async function expectContinue (app: FastifyInstance, opts: ExpectContinueOptions) {
  const server = app.server as Server
  if (!servers.has(server)) {
    servers.add(server)
    server.on('checkContinue', (req, res) => {
      waiting.add(req)
      server.emit('request', req, res)
    })
  }
  // A callback hook: it runs for every request and costs no promise.
  app.addHook('preParsing', (request, reply, payload, done) => {
    const raw = request.raw
    const length = raw.headers['content-length']
    const expects = waiting.has(raw)
    // An unknown route answers 404 without the body (fastify reads none unless its 404 scope has a
    // parser for the type: then a Content-Length over the server's bodyLimit gets fastify's 413).
    if ((length === undefined && !expects) || request.is404) { done(null, payload); return }
    const limit = bodyLimitOf(request)
    if (Number(length) > limit) {
      const route = request.routeOptions.url ?? request.url.split('?')[0]
      done(new HttpError(opts.tooLarge, `the request body is ${length} bytes; the limit for ${request.method} ${route} is ${limit} bytes`))
      return
    }
    if (expects) {
      waiting.delete(raw)
      reply.raw.writeContinue()
    }
    done(null, payload)
  })
}, { name: 'kit-expect-continue' })
