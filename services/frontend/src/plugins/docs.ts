import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { UpstreamDocs } from '../lib/api-docs.js'
import { publicDocument, type OpenApiDocument } from '../lib/openapi-merge.js'
import { PUBLIC_ROUTES } from '../lib/public-routes.js'
import type { Upstream } from '../lib/upstream.js'

export interface DocsOptions { upstreams: Upstream[], timeoutMs: number }

const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const status = { type: 'object', properties: { status: { type: 'string' } } }
const readiness = { ...status, properties: { ...status.properties, checks: { type: 'object', additionalProperties: { type: 'string' } } } }

/** The frontend's own part of the document: what it is, its answers when an upstream fails, its health routes. */
const FRONTEND_DOCUMENT: OpenApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'inference-stack',
    version: '0.1.0',
    description: 'Every public route, as reached through the frontend: prime under /api/prime, the classifier at ' +
      '/api/classify and under /api/classifier (with the KServe v2 protocol at /api/classifier/v2).\n\n' +
      'Besides the answers listed per route, the frontend answers 503 FRONTEND_UPSTREAM_UNAVAILABLE (with Retry-After) ' +
      'when a service cannot be reached, 503 FRONTEND_UPSTREAM_BUSY or FRONTEND_BUSY (with Retry-After) when its ' +
      'connections to a service or its buffer for request bodies are full, 504 FRONTEND_UPSTREAM_TIMEOUT when a service ' +
      'does not answer in time, 502 FRONTEND_UPSTREAM_ERROR when it breaks the connection, 413 FRONTEND_BODY_TOO_LARGE ' +
      'for a body over the route\'s limit, before reading it (curl\'s Expect: 100-continue is answered here), 408 ' +
      'FRONTEND_BODY_TIMEOUT for a body that does not arrive within BODY_TIMEOUT_MS, and, when rate limiting is on, ' +
      '429 FRONTEND_RATE_LIMITED with Retry-After.'
  },
  tags: [{ name: 'frontend', description: 'the frontend itself' }],
  paths: {
    '/healthz': { get: { tags: ['frontend'], summary: 'The frontend process runs', responses: { 200: { description: 'alive', ...json(status) } } } },
    '/readyz': {
      get: {
        tags: ['frontend'],
        summary: 'Every upstream answers its /healthz',
        responses: { 200: { description: 'ready', ...json(readiness) }, 503: { description: 'an upstream is down; checks say which and why', ...json(readiness) } }
      }
    }
  }
}

/**
 * One OpenAPI document for the public port at `/docs/json` (and `/docs/yaml`), with Swagger UI at
 * `/docs`: the frontend's routes plus the public routes of prime and the classifier, read from their
 * own documents on the internal network and rewritten to their paths here.
 */
export const docs = fp(async function docs (app: FastifyInstance, opts: DocsOptions) {
  const upstreamDocs = new UpstreamDocs(opts.upstreams, opts.timeoutMs)
  await app.register(swagger, { mode: 'static', specification: { document: FRONTEND_DOCUMENT as never } })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Within the page's strict CSP: no call to validator.swagger.io (connect-src 'self'), and no
    // top bar, whose Swagger logo carries an inline <style> (style-src 'self').
    uiConfig: { validatorUrl: null, layout: 'BaseLayout' },
    uiHooks: {
      onRequest: async (request) => {
        if (/^\/docs\/(json|yaml)/.test(request.url)) await upstreamDocs.refresh()
      }
    },
    transformSpecification: (base) => publicDocument(base as unknown as OpenApiDocument, upstreamDocs.current(), PUBLIC_ROUTES) as never
  })
}, { name: 'frontend-docs' })
