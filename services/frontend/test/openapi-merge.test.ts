import { describe, expect, it } from 'vitest'
import { publicDocument, type OpenApiDocument } from '../src/lib/openapi-merge.js'
import type { PublicRoute } from '../src/lib/public-routes.js'

const base: OpenApiDocument = { openapi: '3.0.3', info: { title: 'front', version: '1', description: 'ours' }, paths: { '/healthz': { get: { summary: 'alive' } } } }
const doc = (paths: OpenApiDocument['paths'], schemas: Record<string, unknown> = {}): OpenApiDocument =>
  ({ openapi: '3.0.3', info: { title: 'up', version: '1' }, paths, components: { schemas } })
const routes: PublicRoute[] = [
  { method: 'GET', upstream: 'prime', path: '/check/:number', prefix: '/api/prime' },
  { method: 'POST', upstream: 'classifier', path: '/classify', prefix: '/api' }
]

describe('publicDocument', () => {
  it('keeps only the public operations, under their paths through the frontend, tagged with their service', () => {
    const out = publicDocument(base, {
      prime: { document: doc({ '/check/{number}': { get: { summary: 'prime?' }, delete: { summary: 'not public' } }, '/metrics': { get: {} } }) },
      classifier: { document: doc({ '/classify': { post: { summary: 'classify' } }, '/info': { get: { summary: 'not listed here' } } }) }
    }, routes)
    expect(out.paths).toEqual({
      '/healthz': { get: { summary: 'alive' } },
      '/api/prime/check/{number}': { get: { summary: 'prime?', tags: ['prime'] } },
      '/api/classify': { post: { summary: 'classify', tags: ['classifier'] } }
    })
    expect(out.info.description).toBe('ours')
  })

  it('keeps two services\' schemas of the same name apart and points each reference at its own', () => {
    const ref = { $ref: '#/components/schemas/Error' }
    const out = publicDocument(base, {
      prime: { document: doc({ '/check/{number}': { get: { responses: { 400: { content: { 'application/json': { schema: ref } } } } } } }, { Error: { title: 'prime error' } }) },
      classifier: { document: doc({ '/classify': { post: { responses: { 400: { content: { 'application/json': { schema: ref } } } } } } }, { Error: { title: 'classifier error' } }) }
    }, routes)
    expect(out.components?.schemas).toEqual({ 'prime.Error': { title: 'prime error' }, 'classifier.Error': { title: 'classifier error' } })
    expect(JSON.stringify(out.paths['/api/prime/check/{number}'])).toContain('#/components/schemas/prime.Error')
    expect(JSON.stringify(out.paths['/api/classify'])).toContain('#/components/schemas/classifier.Error')
  })

  it('says in the description which service\'s routes are missing, and why', () => {
    const out = publicDocument(base, {
      prime: { missing: 'GET http://prime:8081/docs/json failed (ECONNREFUSED)' },
      classifier: { document: doc({ '/classify': { post: { summary: 'classify' } } }) }
    }, routes)
    expect(Object.keys(out.paths)).toEqual(['/healthz', '/api/classify'])
    expect(out.info.description).toBe('ours\n\nThe prime service\'s routes are missing from this document: GET http://prime:8081/docs/json failed (ECONNREFUSED). Reload once it runs.')
  })
})
