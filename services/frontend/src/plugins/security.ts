import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'

/**
 * Security headers on every answer. The page has no inline script or style;
 * images may come from blob:/data: (the upload preview); the page talks only
 * to its own origin. The API's JSON answers get only nosniff: the rest
 * would cost every proxied request for nothing.
 *
 * helmet is built once here: @fastify/helmet builds it again for every request,
 * which re-parses the CSP each time (a tenth of the proxy's CPU per request).
 */
export const security = fp(async function security (app: FastifyInstance) {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'blob:', 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"]
      }
    },
    xFrameOptions: { action: 'deny' },
    // Served over plain HTTP on a LAN or localhost; TLS, if any, ends in front of it.
    strictTransportSecurity: false
  })
  app.addHook('onRequest', (request, reply, done) => {
    // JSON answers need none of the page's policies; nosniff keeps a browser from reading them as anything else.
    if (request.url.startsWith('/api/')) {
      reply.header('x-content-type-options', 'nosniff')
      done()
      return
    }
    setHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined))
  })
}, { name: 'frontend-security' })
