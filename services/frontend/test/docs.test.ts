import { describe, expect, it } from 'vitest'
import { openApiPath, PUBLIC_ROUTES } from '../src/lib/public-routes.js'
import { refusedUrl, startFrontend, startPrime, startUpstream } from './helpers.js'
import { startClassifier } from './real-classifier.js'

interface Doc { openapi: string, info: { description: string }, paths: Record<string, Record<string, { summary?: string, tags?: string[] }>> }

describe('the OpenAPI document at /docs/json', () => {
  it('describes every public route as reached through the frontend, from the real services\' own documents, and nothing else', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await startClassifier() })
    const res = await fetch(`${url}/docs/json`)
    expect(res.status).toBe(200)
    const doc = await res.json() as Doc
    expect(doc.openapi).toMatch(/^3\./)

    const expected = new Map<string, Set<string>>([['/healthz', new Set(['get'])], ['/readyz', new Set(['get'])]])
    for (const r of PUBLIC_ROUTES) {
      const path = openApiPath(r.prefix + r.path)
      expected.set(path, (expected.get(path) ?? new Set()).add(r.method.toLowerCase()))
    }
    expect(new Map(Object.entries(doc.paths).map(([path, ops]) => [path, new Set(Object.keys(ops))]))).toEqual(expected)
    expect(doc.paths['/api/prime/check/{number}']?.get).toMatchObject({ summary: 'Is this number prime?', tags: ['prime'] })
    expect(doc.paths['/api/classify']?.post).toMatchObject({ summary: 'Classify one image', tags: ['classifier'] })
    expect(doc.paths['/api/classifier/v2/models/{name}/infer']?.post?.tags).toEqual(['classifier'])
    expect(doc.info.description).not.toMatch(/missing/)

    const yaml = await fetch(`${url}/docs/yaml`)
    expect(yaml.status).toBe(200)
    expect(await yaml.text()).toContain('/api/prime/check/{number}:')
  })

  it('names a service whose document it could not fetch, and fetches it again at the next request', async () => {
    let up = false
    const prime = await startUpstream((app) => {
      app.get('/docs/json', async (_request, reply) => up
        ? { openapi: '3.0.3', info: { title: 'prime', version: '1' }, paths: { '/check/{number}': { get: { summary: 'Is this number prime?' } } } }
        : await reply.code(503).send({ error: { code: 'PRIME_SHUTTING_DOWN', message: 'closing' } }))
    })
    const classifierUrl = await refusedUrl()
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: classifierUrl })

    const down = await (await fetch(`${url}/docs/json`)).json() as Doc
    expect(Object.keys(down.paths)).toEqual(['/healthz', '/readyz'])
    expect(down.info.description).toContain(`The prime service's routes are missing from this document: GET ${prime.url}/docs/json answered 503.`)
    expect(down.info.description).toContain(`The classifier service's routes are missing from this document: GET ${classifierUrl}/docs/json failed (ECONNREFUSED).`)

    up = true
    const again = await (await fetch(`${url}/docs/json`)).json() as Doc
    expect(again.paths['/api/prime/check/{number}']?.get?.summary).toBe('Is this number prime?')
    expect(again.info.description).not.toContain('prime service\'s routes are missing')
  })
})
