import { describe, expect, it } from 'vitest'
import { STALE_RETRIES } from '../src/lib/forwarder.js'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'

describe('proxy failures', () => {
  it('answers 504 JSON naming the upstream when it is slower than the timeout', async () => {
    const prime = await startUpstream((app, released) => {
      app.get('/check/:n', async () => { await released; return {} })
    })
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: await refusedUrl(), PRIME_TIMEOUT_MS: '300' })
    const res = await fetch(`${url}/api/prime/check/97`)
    expect(res.status).toBe(504)
    expect(await res.json()).toEqual({
      error: { code: 'FRONTEND_UPSTREAM_TIMEOUT', message: 'the prime service did not answer within 300 ms' }
    })
    expect(prime.hits()).toBe(1)
  })

  it('answers its own errors on the KServe v2 routes in the protocol\'s shape, { "error": "message" }, headers unchanged', async () => {
    const classifier = await startUpstream((app, released) => {
      app.get('/v2/health/ready', async () => { await released; return {} })
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url, CLASSIFIER_TIMEOUT_MS: '300' })
    const slow = await fetch(`${url}/api/classifier/v2/health/ready`)
    expect(slow.status).toBe(504)
    expect(await slow.json()).toEqual({ error: 'the classifier service did not answer within 300 ms' })

    const down = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await refusedUrl() })
    const refused = await fetch(`${down.url}/api/classifier/v2/models/m/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs":[]}' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect((await refused.json() as { error: unknown }).error).toMatch(/^the classifier service is unavailable \(ECONNREFUSED at /)
    // Its other routes keep the project's shape.
    const info = await fetch(`${down.url}/api/classifier/info`)
    expect((await info.json() as { error: { code: string } }).error.code).toBe('FRONTEND_UPSTREAM_UNAVAILABLE')
  })

  it('answers 503 JSON with Retry-After naming the classifier when it refuses connections', async () => {
    const classifierUrl = await refusedUrl()
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifierUrl })
    const res = await fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(2048) })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('5')
    const body = await res.json()
    expect(body.error.code).toBe('FRONTEND_UPSTREAM_UNAVAILABLE')
    expect(body.error.message).toBe(`the classifier service is unavailable (ECONNREFUSED at ${classifierUrl})`)
  })

  it('reads an upload whole before forwarding it, so the connection stays usable when the upstream is down', async () => {
    const { url, app } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await refusedUrl() })
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(256 * 1024) })
      expect(res.status).toBe(503)
      expect(res.headers.get('connection')).toBe('keep-alive')
      await res.text()
    }
    await app.close()
  })

  it('answers 503 JSON naming the prime service when it is down', async () => {
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/api/prime/check/97`)
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect((await res.json()).error.message).toMatch(/^the prime service is unavailable \(ECONNREFUSED/)
  })

  it('answers 502 JSON when the upstream drops the connection without answering, on the first try and on every retry', async () => {
    const classifier = await startUpstream((app) => {
      app.get('/info', async (request) => {
        request.raw.socket.destroy()
        return await new Promise(() => {})
      })
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    const res = await fetch(`${url}/api/classifier/info`)
    expect(res.status).toBe(502)
    const body = await res.json()
    expect(body.error.code).toBe('FRONTEND_UPSTREAM_ERROR')
    expect(body.error.message).toMatch(/^the classifier service broke the connection/)
    // A connection closed before any answer is tried again (stale-connection.test.ts).
    expect(classifier.hits()).toBe(1 + STALE_RETRIES)
  })

  it('rejects a body over MAX_UPLOAD_BYTES with 413 JSON without forwarding it', async () => {
    const classifier = await startUpstream((app) => {
      app.post('/classify', async () => ({ ok: true }))
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url, MAX_UPLOAD_BYTES: '1000' })
    const res = await fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(2000) })
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({
      error: { code: 'FRONTEND_BODY_TOO_LARGE', message: 'the request body is 2000 bytes; the limit for POST /api/classify is 1000 bytes' }
    })
    expect(classifier.hits()).toBe(0)
  })
})
