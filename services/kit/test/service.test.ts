import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ErrorTable, service, type ServiceOptions } from '@inference-stack/kit'
import { curl } from './curl.js'

const TABLE = new ErrorTable('WIDGET', {
  body_too_large: { status: 413, code: 'WIDGET_BODY_TOO_LARGE', reason: 'too_large' },
  busy: { status: 503, code: 'WIDGET_BUSY', reason: 'queue_full', retryAfter: true }
})

async function widget (opts: Partial<ServiceOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(service, {
    name: 'widget',
    errors: TABLE,
    retryAfterS: 2,
    openapi: { title: 'widget', description: 'a test service', version: '1.0.0' },
    ...opts
  })
  app.post('/upload', { bodyLimit: 1024, schema: { summary: 'takes an upload' } }, async () => ({ ok: true }))
  app.get('/busy', async () => { throw TABLE.error('busy', 'every worker is busy') })
  await app.ready()
  onTestFinished(() => app.close())
  return app
}

describe('the kit\'s service plugin', () => {
  it('gives a service health, metrics, the error handler with its counter, and the OpenAPI document of its own routes', async () => {
    const app = await widget()
    expect((await app.inject('/healthz')).statusCode).toBe(200)
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', checks: {} })
    const busy = await app.inject('/busy')
    expect([busy.statusCode, busy.headers['retry-after'], busy.json()]).toEqual([503, '2', { error: { code: 'WIDGET_BUSY', message: 'every worker is busy', retry_after_ms: 2000 } }])
    const text = (await app.inject('/metrics')).body
    expect(text).toMatch(/widget_rejected_requests_total\{reason="queue_full",service="widget"\} 1/)
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/busy",status_code="503"\} 1/)
    const document = (await app.inject('/docs/json')).json() as { info: { title: string }, paths: Record<string, unknown> }
    expect(document.info.title).toBe('widget')
    // Its own routes, not the kit's health and metrics routes.
    expect(Object.keys(document.paths).sort()).toEqual(['/busy', '/upload'])
  })

  it('answers a declared body over the route\'s limit with the table\'s body_too_large before reading it (curl and Expect: 100-continue)', async () => {
    const app = await widget()
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const dir = await mkdtemp(join(tmpdir(), 'kit-service-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    await writeFile(join(dir, 'big'), randomBytes(4096))
    const res = await curl(`${url}/upload`, '--data-binary', `@${join(dir, 'big')}`, '-H', 'content-type: application/octet-stream', '-H', 'Expect: 100-continue')
    expect([res.status, res.continued, res.uploaded]).toEqual([413, false, 0])
    expect(res.json()).toEqual({ error: { code: 'WIDGET_BODY_TOO_LARGE', message: 'the request body is 4096 bytes; the limit for POST /upload is 1024 bytes' } })
  })

  it('serves no document with openapi: false and no /metrics route with metrics.route: false, and takes readiness checks', async () => {
    const app = await widget({ openapi: false, metrics: { route: false }, health: { checks: { upstream: () => 'unreachable' } } })
    expect((await app.inject('/docs/json')).statusCode).toBe(404)
    expect((await app.inject('/metrics')).statusCode).toBe(404)
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'not ready', checks: { upstream: 'unreachable' } })
    expect(await app.metrics.metrics()).toMatch(/widget_rejected_requests_total\{reason="not_found",service="widget"\} 2/)
  })
})
