import { describe, expect, it } from 'vitest'
import { curl } from '../../kit/test/curl.js'
import { PUBLIC_ROUTES } from '../src/lib/public-routes.js'
import { refusedUrl, startFrontend, startPrime, startUpstream } from './helpers.js'

/** A concrete URL for a route pattern: every parameter filled in. */
const concrete = (pattern: string) => pattern.replace(':number', '97').replace(':name', 'resnet50').replace(':version', '1')

describe('the public API surface', () => {
  it('answers 404 JSON for prime\'s internals, which the real prime service does serve on its own port', async () => {
    const prime = await startPrime()
    const { url } = await startFrontend({ PRIME_URL: prime, CLASSIFIER_URL: await refusedUrl() })
    for (const path of ['/metrics', '/readyz', '/healthz', '/docs', '/docs/json', '/docs/static/index.html']) {
      expect((await fetch(`${prime}${path}`)).status, `prime ${path}`).not.toBe(404)
      const res = await fetch(`${url}/api/prime${path}`)
      expect(res.status, `/api/prime${path}`).toBe(404)
      expect(await res.json()).toEqual({ error: { code: 'FRONTEND_NOT_FOUND', message: `no route for GET /api/prime${path}` } })
    }
    expect((await fetch(`${url}/api/prime/check/97`)).status).toBe(200)
  })

  it('never forwards a classifier path outside the public list, and forwards each public route to its path there', async () => {
    const classifier = await startUpstream((app) => {
      app.all('/*', async (request) => ({ method: request.method, url: request.url }))
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    for (const path of ['/metrics', '/readyz', '/healthz', '/docs', '/docs/json', '/v2/repository/index', '/v2/models/resnet50/stats']) {
      expect((await fetch(`${url}/api/classifier${path}`)).status, `/api/classifier${path}`).toBe(404)
    }
    expect(classifier.hits()).toBe(0)

    for (const route of PUBLIC_ROUTES.filter((r) => r.upstream === 'classifier')) {
      const init: RequestInit = route.method === 'POST' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' } : {}
      const res = await fetch(`${url}${concrete(route.prefix + route.path)}?k=v%20w`, init)
      expect(await res.json(), `${route.method} ${route.prefix}${route.path}`).toEqual({ method: route.method, url: `${concrete(route.path)}?k=v%20w` })
    }
  })

  it('refuses dot segments that would climb out of a public route, plain or percent-encoded', async () => {
    const upstream = await startUpstream((app) => {
      app.all('/*', async (request) => ({ url: request.url }))
    })
    const { url } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: upstream.url })
    // curl, because fetch resolves dot segments itself before sending.
    for (const path of ['/api/prime/check/..', '/api/prime/check/%2e%2e', '/api/prime/check/..%2fmetrics']) {
      const res = await curl(`${url}${path}`, '--path-as-is')
      expect(res.status, path).toBe(400)
      expect(res.json<{ error: { code: string } }>().error.code).toBe('FRONTEND_BAD_PATH')
    }
    // A KServe v2 route: the same refusal in the protocol's `{ "error": "message" }`.
    const v2 = await curl(`${url}/api/classifier/v2/models/%2E%2E/ready`, '--path-as-is')
    expect(v2.status).toBe(400)
    expect(v2.json()).toEqual({ error: 'a path segment may not be "." or ".." (/api/classifier/v2/models/%2E%2E/ready)' })
    expect(upstream.hits()).toBe(0)
  })
})
