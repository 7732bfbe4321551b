import { createServer } from 'node:net'
import { loadConfig } from '@inference-stack/kit'
import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { freePort } from '@inference-stack/kit/child'
import app from '../src/app.js'
import { FrontendConfigSchema } from '../src/config.js'
import { refusedUrl } from './helpers.js'

/** The frontend as server.ts runs it, with its metrics listener on a free METRICS_PORT. */
async function frontendWithMetrics (metricsPort?: number) {
  const port = metricsPort ?? await freePort()
  const config = loadConfig(FrontendConfigSchema, {
    LOG_LEVEL: 'silent', PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await refusedUrl(), METRICS_PORT: String(port)
  })
  const server = Fastify()
  onTestFinished(() => server.close())
  await server.register(app, { config, metricsListener: true })
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  return { url, metrics: `http://127.0.0.1:${port}` }
}

describe('the metrics port', () => {
  it('serves /metrics on METRICS_PORT, failed forwards per upstream included, and not on the public port', async () => {
    const { url, metrics } = await frontendWithMetrics()
    expect((await fetch(`${url}/api/prime/check/7`)).status).toBe(503)
    const res = await fetch(`${metrics}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toMatch(/frontend_upstream_failures_total\{upstream="prime",code="FRONTEND_UPSTREAM_UNAVAILABLE",service="frontend"\} 1/)
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET",route="\/api\/prime\/check\/\*",status_code="503"[^}]*\} 1/)

    const hidden = await fetch(`${url}/metrics`)
    expect(hidden.status).toBe(404)
    expect(await hidden.json()).toEqual({ error: { code: 'FRONTEND_NOT_FOUND', message: 'no route for GET /metrics' } })
  })

  it('answers anything but GET /metrics there with a JSON 404', async () => {
    const { metrics } = await frontendWithMetrics()
    const res = await fetch(`${metrics}/api/prime/check/7`)
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('FRONTEND_NOT_FOUND')
  })

  it('refuses to start, naming METRICS_PORT, when the port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => { taken.close() })
    const { port } = taken.address() as { port: number }
    await expect(frontendWithMetrics(port)).rejects.toThrow(`cannot serve metrics on 127.0.0.1:${port} (METRICS_PORT)`)
  })
})
