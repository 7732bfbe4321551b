import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface OpenApiOptions { title: string, description: string, version: string }

/** OpenAPI document from the route schemas, with a browsable UI at `/docs` (JSON at `/docs/json`). */
export const openapi = fp(async function openapi (app: FastifyInstance, opts: OpenApiOptions) {
  await app.register(swagger, { openapi: { info: { title: opts.title, description: opts.description, version: opts.version } } })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'kit-openapi' })
