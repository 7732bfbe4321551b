import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { FRONTEND_ERRORS } from '../contract.js'
import { capBody, isTooLarge } from '../lib/body-cap.js'
import { PUBLIC_ROUTES, type BodyKind, type PublicRoute } from '../lib/public-routes.js'
import { upstreamFailure, type Upstream } from '../lib/upstream.js'

export interface ProxyOptions {
  prime: Upstream
  classifier: Upstream
  /** Largest body of each kind of upload; a larger Content-Length gets 413 here, the body unread. */
  bodyLimits: Record<BodyKind, number>
}

/**
 * The public API: each route of PUBLIC_ROUTES forwarded with @fastify/reply-from, one registration
 * (one connection pool) per upstream. Bodies stream through unparsed, upstream status codes,
 * headers and bodies pass unchanged, and nothing is retried: a 503 from a busy classifier goes
 * straight back to the client. Paths that are not public answer the JSON 404.
 */
export const proxy = fp(async function proxy (app: FastifyInstance, opts: ProxyOptions) {
  for (const upstream of [opts.prime, opts.classifier]) {
    const routes = PUBLIC_ROUTES.filter((r) => r.upstream === upstream.name)
    await app.register(forward, { upstream, routes, bodyLimits: opts.bodyLimits })
  }
}, { name: 'frontend-proxy', dependencies: ['frontend-metrics', 'kit-expect-continue'] })

/** Whether a path climbs with `.` or `..` segments, written plainly or percent-encoded (which URL parsers resolve). */
function hasDotSegment (url: string): boolean {
  const path = url.split('?')[0] ?? ''
  let decoded = path
  try { decoded = decodeURIComponent(path) } catch { /* a malformed escape: judged as written */ }
  return /(^|\/)\.{1,2}(\/|$)/.test(decoded)
}

interface ForwardOptions { upstream: Upstream, routes: PublicRoute[], bodyLimits: Record<BodyKind, number> }

async function forward (scope: FastifyInstance, { upstream, routes, bodyLimits }: ForwardOptions) {
  await scope.register(replyFrom, {
    base: upstream.url,
    undici: { connections: 128, pipelining: 1 },
    // Never replay a request: reply-from would otherwise retry a GET that got 503 up to 10 times.
    retryMethods: [],
    disableRequestLogging: true
  })
  // Bodies stay streams: this scope parses nothing (the classifier reads multipart itself).
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })

  const replyOptions: FastifyReplyFromHooks = {
    timeout: upstream.timeoutMs,
    retryDelay: () => null,
    // undici refuses `Expect` (UND_ERR_NOT_SUPPORTED): the kit's expectContinue has answered it here.
    rewriteRequestHeaders: (_request, headers) => {
      delete headers.expect
      return headers
    },
    onError: (reply, { error }) => {
      // A chunked upload that outgrew its limit on the way.
      const tooLarge = isTooLarge(error)
      const failure = tooLarge ?? upstreamFailure(upstream, error)
      if (tooLarge === undefined) scope.upstreamFailures.inc({ upstream: upstream.name, code: failure.code })
      // An upload the upstream never read leaves the socket mid-request: close it, or it never goes idle.
      if (!reply.request.raw.complete) reply.header('connection', 'close')
      // The kit's error handler answers it from the error table (Retry-After included) and logs what the client got.
      reply.send(failure)
    }
  }

  for (const route of routes) {
    const limit = route.body === undefined ? undefined : bodyLimits[route.body]
    scope.route({
      method: route.method,
      url: route.prefix + (route.longParam === true ? route.path.replace(/:\w+$/, '*') : route.path),
      // The kit's expectContinue judges a declared length by bodyLimit; capBody counts a chunked body.
      ...(limit === undefined ? {} : { bodyLimit: limit, preParsing: capBody(limit) }),
      handler: async (request, reply) => {
        // The raw URL (encoding and query string untouched) less the public prefix. The router
        // decodes before matching, so a prefix written with escapes (/api/%70rime) is no match here.
        if (!request.url.startsWith(route.prefix)) return reply.callNotFound()
        const target = request.url.slice(route.prefix.length)
        if (hasDotSegment(target)) throw FRONTEND_ERRORS.error('bad_path', `a path segment may not be "." or ".." (${request.url.split('?')[0]})`)
        return reply.from(target, replyOptions)
      }
    })
  }
}
