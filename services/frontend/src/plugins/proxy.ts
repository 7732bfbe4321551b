import { errorFormat } from '@inference-stack/kit'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import { FRONTEND_ERRORS } from '../contract.js'
import { BodyBuffer, type ReceivedBody } from '../lib/body-buffer.js'
import { Forwarder } from '../lib/forwarder.js'
import { PUBLIC_ROUTES, type BodyKind, type PublicRoute } from '../lib/public-routes.js'
import type { Upstream } from '../lib/upstream.js'

export interface ProxyOptions {
  prime: Upstream
  classifier: Upstream
  /** Largest body of each kind of upload; a larger Content-Length gets 413 here, the body unread. */
  bodyLimits: Record<BodyKind, number>
  /** Time to receive a whole request body (BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number
  /** Request bodies held at once, all clients together (MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number
  /** Connections to each upstream, and requests that may wait for one (UPSTREAM_CONNECTIONS, UPSTREAM_MAX_QUEUE). */
  connections: number
  maxQueue: number
}

/**
 * The public API: each route of PUBLIC_ROUTES forwarded to its upstream through one connection
 * pool per upstream (lib/forwarder.ts). Request bodies are received whole first (lib/body-buffer.ts)
 * and forwarded as they came, never parsed; upstream status codes, end-to-end headers and bodies
 * pass unchanged, and nothing is retried: a 503 from a busy classifier goes straight back to the
 * client. Paths that are not public answer the JSON 404.
 */
export const proxy = fp(async function proxy (app: FastifyInstance, opts: ProxyOptions) {
  const bodies = new BodyBuffer({ timeoutMs: opts.bodyTimeoutMs, maxBufferedBytes: opts.maxBufferedBytes })
  app.metrics.registerMetric(new Gauge({
    name: 'frontend_buffered_request_bytes',
    help: 'Bytes of request bodies held now (received, their answer not yet over), all clients together; MAX_BUFFERED_BYTES bounds it.',
    registers: [],
    collect () { this.set(bodies.held) }
  }))
  for (const upstream of [opts.prime, opts.classifier]) {
    const forwarder = new Forwarder(upstream, {
      connections: opts.connections,
      maxQueue: opts.maxQueue,
      onFailure: (code) => { app.upstreamFailures.inc({ upstream: upstream.name, code }) }
    })
    app.addHook('onClose', async () => { await forwarder.close() })
    const routes = PUBLIC_ROUTES.filter((r) => r.upstream === upstream.name)
    await app.register(forward, { forwarder, routes, bodyLimits: opts.bodyLimits, bodies, limit: app.apiRateLimit })
  }
}, { name: 'frontend-proxy', dependencies: ['frontend-metrics', 'frontend-rate-limit', 'kit-expect-continue'] })

/** Whether a path climbs with `.` or `..` segments, written plainly or percent-encoded (which URL parsers resolve). */
function hasDotSegment (url: string): boolean {
  const query = url.indexOf('?')
  const path = query < 0 ? url : url.slice(0, query)
  // Most paths have no dot at all, plain or encoded (%2e): nothing to decode.
  if (!path.includes('.') && !path.includes('%')) return false
  let decoded = path
  try { decoded = decodeURIComponent(path) } catch { /* a malformed escape: judged as written */ }
  return /(^|\/)\.{1,2}(\/|$)/.test(decoded)
}

interface ForwardOptions {
  forwarder: Forwarder
  routes: PublicRoute[]
  bodyLimits: Record<BodyKind, number>
  bodies: BodyBuffer
  /** The rate limit's onRequest hook, when RATE_LIMIT_MAX is set. */
  limit: onRequestHookHandler | null
}

async function forward (scope: FastifyInstance, opts: ForwardOptions) {
  // Bodies are received whole and forwarded as bytes: this scope parses nothing (the classifier reads multipart itself).
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', opts.bodies.parse)
  // A body refused before it was read whole (too large, too slow, no room, rate limited): the
  // kit's lingering close ends the connection after the answer, dropping the rest of the upload.
  for (const route of opts.routes.filter((r) => r.errorFormat === undefined)) addRoute(scope, route, opts)
  const kserve = opts.routes.filter((r) => r.errorFormat === 'kserve')
  if (kserve.length === 0) return
  // KServe v2 clients read `{ "error": "message" }`: the frontend's own answers there (413, 408,
  // 503, 504, 429...) take that shape too, as the classifier's do.
  await scope.register(async (v2) => {
    errorFormat(v2, 'kserve')
    for (const route of kserve) addRoute(v2, route, opts)
  })
}

function addRoute (scope: FastifyInstance, route: PublicRoute, { forwarder, bodyLimits, bodies, limit }: ForwardOptions): void {
  const prefix = route.prefix
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    // The raw URL (encoding and query string untouched) less the public prefix. The router
    // decodes before matching, so a prefix written with escapes (/api/%70rime) is no match here.
    if (!request.url.startsWith(prefix)) { reply.callNotFound(); return }
    const target = request.url.slice(prefix.length)
    if (hasDotSegment(target)) throw FRONTEND_ERRORS.error('bad_path', `a path segment may not be "." or ".." (${request.url.split('?')[0]})`)
    forwarder.forward(request, reply, target, (request.body as ReceivedBody | undefined) ?? null)
  }
  // The rate limit first: a refused client takes no buffer space.
  const onRequest = [...(limit === null ? [] : [limit]), ...(route.body === undefined ? [] : [bodies.admit])]
  scope.route({
    // HEAD goes upstream too, and its Content-Length comes back (fastify's own HEAD routes would say 0).
    method: route.method === 'GET' ? ['GET', 'HEAD'] : route.method,
    exposeHeadRoute: false,
    url: prefix + (route.longParam === true ? route.path.replace(/:\w+$/, '*') : route.path),
    // The kit's expectContinue judges a declared length by bodyLimit; bodies.parse counts the bytes.
    ...(route.body === undefined ? {} : { bodyLimit: bodyLimits[route.body] }),
    ...(onRequest.length === 0 ? {} : { onRequest }),
    handler
  })
}
