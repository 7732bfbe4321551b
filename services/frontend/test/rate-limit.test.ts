import { describe, expect, it } from 'vitest'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'

async function prime () {
  return await startUpstream((app) => {
    app.get('/check/:n', async () => ({ is_prime: true }))
    app.post('/check', async () => ({ results: [] }))
  })
}

const check = async (url: string, headers: Record<string, string> = {}) => await fetch(`${url}/api/prime/check/97`, { headers })

describe('per-client rate limiting of the API', () => {
  it('is off by default', async () => {
    const { url } = await startFrontend({ PRIME_URL: (await prime()).url, CLASSIFIER_URL: await refusedUrl() })
    for (let i = 0; i < 50; i++) expect((await check(url)).status).toBe(200)
    expect((await check(url)).headers.get('x-ratelimit-limit')).toBeNull()
  })

  it('answers 429 JSON with Retry-After past RATE_LIMIT_MAX requests, across API routes, and never limits the page or health', async () => {
    const upstream = await prime()
    const { url, app } = await startFrontend({ PRIME_URL: upstream.url, CLASSIFIER_URL: await refusedUrl(), RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' })
    expect((await check(url)).status).toBe(200)
    expect((await fetch(`${url}/api/prime/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":[]}' })).status).toBe(200)
    const last = await check(url)
    expect([last.status, last.headers.get('x-ratelimit-remaining')]).toEqual([200, '0'])

    const limited = await check(url)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited.json()).toEqual({
      error: { code: 'FRONTEND_RATE_LIMITED', message: '127.0.0.1 sent more than 3 API requests in 60 s (RATE_LIMIT_MAX); retry in 1 minute' }
    })
    // A refused upload is refused before its body is read or forwarded.
    const upload = await fetch(`${url}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(100_000) })
    expect(upload.status).toBe(429)
    expect(upstream.hits()).toBe(3)
    for (const path of ['/healthz', '/readyz', '/']) expect((await fetch(`${url}${path}`)).status, path).not.toBe(429)
    expect(await app.metrics.metrics()).toMatch(/frontend_rejected_requests_total\{reason="rate_limited",service="frontend"\} 2\n/)
  })

  it('keys clients by X-Forwarded-For only when TRUST_PROXY names the proxy in front', async () => {
    const env = { PRIME_URL: (await prime()).url, CLASSIFIER_URL: await refusedUrl(), RATE_LIMIT_MAX: '1' }
    const forged = await startFrontend(env)
    expect((await check(forged.url, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200)
    // A client cannot get a fresh allowance by naming another address.
    expect((await check(forged.url, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(429)

    const behindProxy = await startFrontend({ ...env, TRUST_PROXY: '127.0.0.1' })
    expect((await check(behindProxy.url, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200)
    expect((await check(behindProxy.url, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200)
    const again = await check(behindProxy.url, { 'x-forwarded-for': '203.0.113.1' })
    expect(again.status).toBe(429)
    expect((await again.json()).error.message).toMatch(/^203\.0\.113\.1 sent more than 1 API requests/)

    const hops = await startFrontend({ ...env, TRUST_PROXY: '1' })
    expect((await check(hops.url, { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' })).status).toBe(200)
    expect((await check(hops.url, { 'x-forwarded-for': '198.51.100.8, 203.0.113.9' })).status).toBe(429)
  })
})
