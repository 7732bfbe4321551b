import { randomBytes } from 'node:crypto'
import { describe, expect, it, onTestFinished } from 'vitest'
import { refusedUrl, startFrontend, startPrime, startUpstream } from './helpers.js'
import { trickle } from './raw-http.js'

const BODY_TIMEOUT_MS = 10_000
/** Well before any trickling client is cut: an answer by then was not waiting for them. */
const PROMPTLY_MS = BODY_TIMEOUT_MS / 2

interface Failed { error: { code: string, message: string } }

/** A classifier stand-in that counts what reaches it and answers with the body's size. */
async function countingClassifier () {
  return await startUpstream((app) => {
    app.post('/classify', async (request) => ({ bytes: (request.body as Buffer).length }))
  })
}

async function until (condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('slow clients and slow upstreams', () => {
  it('keeps answering uploads and prime checks while 150 clients trickle bodies, then cuts those with 408', async () => {
    const classifier = await countingClassifier()
    const { url, app } = await startFrontend({
      PRIME_URL: await startPrime(),
      CLASSIFIER_URL: classifier.url,
      BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
      // Fewer connections than slow clients: they must not need any.
      UPSTREAM_CONNECTIONS: '4'
    })
    const slow = [
      ...Array.from({ length: 75 }, () => trickle(url, '/api/classify', 'image/jpeg')),
      ...Array.from({ length: 75 }, () => trickle(url, '/api/prime/check', 'application/json'))
    ]
    await new Promise((resolve) => setTimeout(resolve, 500))

    const within = { signal: AbortSignal.timeout(PROMPTLY_MS) }
    const photo = randomBytes(1024 * 1024)
    const [upload, check, batch] = await Promise.all([
      fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo, ...within }),
      fetch(`${url}/api/prime/check/97`, within),
      fetch(`${url}/api/prime/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":["91"]}', ...within })
    ])
    expect(upload.status).toBe(200)
    expect(await upload.json()).toEqual({ bytes: photo.length })
    expect((await check.json()).is_prime).toBe(true)
    expect((await batch.json()).results[0].factor).toBe('7')
    // Only the complete upload reached the classifier.
    expect(classifier.hits()).toBe(1)

    for (const { outcome } of slow) {
      const { answer, raw } = await outcome
      expect(answer?.status, raw).toBe(408)
      expect(answer?.headers.connection).toBe('close')
      expect((JSON.parse(answer?.body ?? '{}') as Failed).error.code).toBe('FRONTEND_BODY_TIMEOUT')
    }
    expect(classifier.hits()).toBe(1)
    expect(await app.metrics.metrics()).toMatch(/frontend_rejected_requests_total\{reason="slow_client",service="frontend"\} 150\n/)
  })

  it('answers 503 with Retry-After at once when every connection to an upstream is busy and its queue is full', async () => {
    const prime = await startUpstream((app, released) => {
      app.get('/check/:n', async () => { await released; return {} })
    })
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: await refusedUrl(), UPSTREAM_CONNECTIONS: '2', UPSTREAM_MAX_QUEUE: '1' })
    const waiting = new AbortController()
    onTestFinished(() => { waiting.abort() })
    const held = [1, 2, 3].map(async () => await fetch(`${url}/api/prime/check/97`, { signal: waiting.signal }).catch(() => undefined))
    await until(() => prime.hits() === 2)

    const busy = await fetch(`${url}/api/prime/check/97`)
    expect(busy.status).toBe(503)
    expect(busy.headers.get('retry-after')).toBe('1')
    expect(((await busy.json()) as Failed).error.code).toBe('FRONTEND_UPSTREAM_BUSY')
    expect(prime.hits()).toBe(2)
    waiting.abort()
    await Promise.all(held)
  })

  it('answers 504 at the upstream timeout, the time spent waiting for a connection included', async () => {
    const prime = await startUpstream((app, released) => {
      app.get('/check/:n', async () => { await released; return {} })
    })
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: await refusedUrl(), UPSTREAM_CONNECTIONS: '1', PRIME_TIMEOUT_MS: '500' })
    // The second waits for the first's connection, which the slow upstream never gives back in time.
    const answers = await Promise.all([1, 2].map(async () => await fetch(`${url}/api/prime/check/97`, { signal: AbortSignal.timeout(PROMPTLY_MS) })))
    for (const res of answers) {
      expect(res.status).toBe(504)
      expect(await res.json()).toEqual({ error: { code: 'FRONTEND_UPSTREAM_TIMEOUT', message: 'the prime service did not answer within 500 ms' } })
    }
  })
})
