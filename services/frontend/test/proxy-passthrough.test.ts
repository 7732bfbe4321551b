import { describe, expect, it } from 'vitest'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'

describe('proxy pass-through', () => {
  it('passes upstream status codes, headers and JSON bodies through unchanged', async () => {
    const prime = await startUpstream((app) => {
      app.get('/check/:n', async (request, reply) => {
        const { n } = request.params as { n: string }
        if (n === 'abc') return reply.code(400).send({ error: { code: 'PRIME_BAD_NUMBER', message: '"abc" is not a whole number' } })
        return reply.header('x-upstream', 'prime').send({ number: n, is_prime: n === '97' })
      })
    })
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: await refusedUrl() })

    const ok = await fetch(`${url}/api/prime/check/97`)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-upstream')).toBe('prime')
    expect(await ok.json()).toEqual({ number: '97', is_prime: true })

    const bad = await fetch(`${url}/api/prime/check/abc`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: { code: 'PRIME_BAD_NUMBER', message: '"abc" is not a whole number' } })

    const missing = await fetch(`${url}/api/prime/nothing-here`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('returns an upstream 503 with its Retry-After once, without retrying', async () => {
    const classifier = await startUpstream((app) => {
      app.get('/info', async (_request, reply) => reply.code(503).header('retry-after', '1')
        .send({ error: { code: 'CLASSIFIER_NOT_READY', message: 'warming up' } }))
      app.post('/classify', async (_request, reply) => reply.code(503).header('retry-after', '2')
        .send({ error: { code: 'CLASSIFIER_QUEUE_FULL', message: 'queue full' } }))
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })

    const info = await fetch(`${url}/api/classifier/info`)
    expect(info.status).toBe(503)
    expect(info.headers.get('retry-after')).toBe('1')
    expect(await info.json()).toEqual({ error: { code: 'CLASSIFIER_NOT_READY', message: 'warming up' } })
    expect(classifier.hits()).toBe(1)

    const busy = await fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.from('jpeg') })
    expect(busy.status).toBe(503)
    expect(busy.headers.get('retry-after')).toBe('2')
    expect((await busy.json()).error.code).toBe('CLASSIFIER_QUEUE_FULL')
    expect(classifier.hits()).toBe(2)
  })

  it('maps /api/classify, /api/classifier/info and /api/classifier/v2 onto the classifier with the query string', async () => {
    const classifier = await startUpstream((app) => {
      app.all('/*', async (request) => ({ method: request.method, url: request.url }))
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    const seen = async (path: string, init?: RequestInit) => (await (await fetch(`${url}${path}`, init)).json()).url

    expect(await seen('/api/classify?topk=3', { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'x' })).toBe('/classify?topk=3')
    expect(await seen('/api/classifier/info')).toBe('/info')
    expect(await seen('/api/classifier/v2/models/resnet50/ready')).toBe('/v2/models/resnet50/ready')
    // Only these paths reach the classifier: its /metrics stays private.
    expect((await fetch(`${url}/api/classifier/metrics`)).status).toBe(404)
  })

  it('forwards JSON request bodies to the prime batch route unchanged', async () => {
    const prime = await startUpstream((app) => {
      app.post('/check', async (request) => ({ received: request.body, type: request.headers['content-type'] }))
    })
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: ['618970019642690137449562111', '91'] })
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ received: { numbers: ['618970019642690137449562111', '91'] }, type: 'application/json' })
  })

  it('forwards HEAD and passes the upstream\'s Content-Length back without a body', async () => {
    const prime = await startUpstream((app) => {
      app.get('/check/:n', async () => ({ number: '97', is_prime: true }))
    })
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: await refusedUrl() })
    const head = await fetch(`${url}/api/prime/check/97`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(JSON.stringify({ number: '97', is_prime: true }).length))
    expect(await head.text()).toBe('')
    expect(prime.hits()).toBe(1)
  })
})
