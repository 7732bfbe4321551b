import Fastify, { type FastifyInstance } from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { metrics, type MetricsOptions } from '@inference-stack/kit'

async function withMetrics (opts: MetricsOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(metrics, opts)
  app.get('/items/:id', async () => ({ ok: true }))
  onTestFinished(() => app.close())
  return app
}

describe('metrics', () => {
  it('serves the Prometheus text format with process metrics labelled with the service', async () => {
    const app = await withMetrics({ service: 'widget' })
    const res = await app.inject('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toMatch(/^process_resident_memory_bytes\{service="widget"\} \d+/m)
  })

  it('times requests by route pattern, method and status, never by raw URL, and not /metrics itself', async () => {
    const app = await withMetrics({ service: 'widget' })
    await app.inject('/items/1')
    await app.inject('/items/2')
    await app.inject('/metrics')
    const text = (await app.inject('/metrics')).body
    expect(text).toMatch(/http_request_duration_seconds_count\{service="widget",method="GET",route="\/items\/:id",status_code="200"\} 2/)
    expect(text).not.toMatch(/route="\/items\/1"/)
    expect(text).not.toMatch(/route="\/metrics"/)
  })

  it('serves no /metrics route with route: false, and still records into app.metrics for another listener', async () => {
    const app = await withMetrics({ service: 'widget', route: false })
    expect((await app.inject('/metrics')).statusCode).toBe(404)
    await app.inject('/items/1')
    expect(await app.metrics.metrics()).toMatch(/route="\/items\/:id"/)
  })
})
