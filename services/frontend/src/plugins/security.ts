import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Security headers on every answer. The page has no inline script or style;
 * images may come from blob:/data: (the upload preview); the page talks only
 * to its own origin. Proxied API answers get the same headers, which are
 * harmless on JSON.
 */
export const security = fp(async function security (app: FastifyInstance) {
  await app.register(helmet, {
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
}, { name: 'frontend-security' })
