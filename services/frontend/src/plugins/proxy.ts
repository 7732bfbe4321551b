import httpProxy from '@fastify/http-proxy'
import { errorBody, HttpError } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { upstreamFailure, type Upstream } from '../lib/upstream.js'

export interface ProxyOptions {
  prime: Upstream
  classifier: Upstream
  /** Largest request body forwarded (by Content-Length); larger ones get 413 here. */
  maxUploadBytes: number
}

interface ProxyRoute { prefix: string, rewritePrefix: string, upstream: Upstream }

/**
 * One @fastify/http-proxy registration per upstream path. Bodies stream through
 * unparsed (http-proxy installs a pass-through content type parser), upstream
 * status codes, headers and bodies pass unchanged, and nothing is retried:
 * a 503 from a busy classifier goes straight back to the client.
 */
export const proxy = fp(async function proxy (app: FastifyInstance, opts: ProxyOptions) {
  const routes: ProxyRoute[] = [
    { prefix: '/api/prime', rewritePrefix: '', upstream: opts.prime },
    { prefix: '/api/classify', rewritePrefix: '/classify', upstream: opts.classifier },
    { prefix: '/api/classifier/info', rewritePrefix: '/info', upstream: opts.classifier },
    { prefix: '/api/classifier/v2', rewritePrefix: '/v2', upstream: opts.classifier }
  ]
  for (const route of routes) await app.register(forward, { route, maxUploadBytes: opts.maxUploadBytes })
}, { name: 'frontend-proxy', dependencies: ['frontend-metrics'] })

async function forward (scope: FastifyInstance, { route, maxUploadBytes }: { route: ProxyRoute, maxUploadBytes: number }) {
  const { upstream } = route
  scope.addHook('onRequest', async (request, reply) => {
    const length = Number(request.headers['content-length'] ?? 0)
    if (length > maxUploadBytes) {
      reply.header('connection', 'close')
      throw new HttpError(413, 'FRONTEND_BODY_TOO_LARGE', `the request body is ${length} bytes; the limit is ${maxUploadBytes} bytes`)
    }
  })
  await scope.register(httpProxy, {
    upstream: upstream.url,
    prefix: route.prefix,
    rewritePrefix: route.rewritePrefix,
    disableRequestLogging: true,
    // Never replay a request: reply-from would otherwise retry a GET that got 503 up to 10 times.
    retryMethods: [],
    undici: { connections: 128, pipelining: 1 },
    replyOptions: {
      timeout: upstream.timeoutMs,
      retryDelay: () => null,
      onError: (reply, { error }) => {
        const failure = upstreamFailure(upstream, error)
        scope.upstreamFailures.inc({ upstream: upstream.name, code: failure.code })
        // reply-from has logged the error itself; this line says what the client got.
        reply.log.warn({ upstream: upstream.name, code: failure.code }, failure.message)
        // An upload the upstream never read leaves the socket mid-request: close it, or it never goes idle.
        if (!reply.request.raw.complete) reply.header('connection', 'close')
        reply.code(failure.statusCode).headers(failure.headers).send(errorBody(failure.code, failure.message))
      }
    }
  })
}
