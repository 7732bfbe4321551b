import { describe, expect, it } from 'vitest'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'

const healthy = async () => await startUpstream((app) => { app.get('/healthz', async () => ({ status: 'ok' })) })

describe('health and readiness', () => {
  it('answers /healthz 200 while both upstreams are down', async () => {
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await refusedUrl() })
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('answers /readyz 503 naming the upstream that is down', async () => {
    const prime = await healthy()
    const classifierUrl = await refusedUrl()
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: classifierUrl })
    const res = await fetch(`${url}/readyz`)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      status: 'not ready',
      checks: { prime: 'ok', classifier: `classifier unreachable at ${classifierUrl} (ECONNREFUSED)` }
    })
  })

  it('answers /readyz 503 when an upstream health check hangs past the probe timeout', async () => {
    const prime = await healthy()
    const classifier = await startUpstream((app, released) => { app.get('/healthz', async () => { await released; return {} }) })
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: classifier.url, PROBE_TIMEOUT_MS: '200' })
    const res = await fetch(`${url}/readyz`)
    expect(res.status).toBe(503)
    expect((await res.json()).checks.classifier).toBe(`GET ${classifier.url}/healthz gave no answer within 200 ms`)
  })

  it('answers /readyz 200 when both upstreams answer their /healthz', async () => {
    const prime = await healthy()
    const classifier = await healthy()
    const { url } = await startFrontend({ PRIME_URL: prime.url, CLASSIFIER_URL: classifier.url })
    const res = await fetch(`${url}/readyz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ready', checks: { prime: 'ok', classifier: 'ok' } })
  })
})
