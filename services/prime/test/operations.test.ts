import { describe, expect, it } from 'vitest'
import { buildApp } from './helpers.js'

describe('operational routes', () => {
  it('answers /healthz and /readyz with 200', async () => {
    const app = await buildApp()
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(200)
    expect(ready.json().status).toBe('ready')
  })

  it('exposes prime_check_duration_seconds by digit bucket after a check', async () => {
    const app = await buildApp()
    await app.inject('/check/97')
    await app.inject(`/check/${(2n ** 521n - 1n).toString()}`)
    const text = (await app.inject('/metrics')).body
    expect(text).toMatch(/prime_check_duration_seconds_count\{service="prime",digits="1-9"\} 1/)
    expect(text).toMatch(/prime_check_duration_seconds_count\{service="prime",digits="100-999"\} 1/)
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/check\/:number"/)
  })

  it('counts every refusal by its reason in prime_rejected_requests_total, 400s as well as 503s', async () => {
    const app = await buildApp()
    await app.inject('/check/12x')
    await app.inject({ method: 'POST', url: '/check', payload: { numbers: [97] } })
    await app.inject('/nope')
    const text = (await app.inject('/metrics')).body
    expect(text).toMatch(/prime_rejected_requests_total\{reason="bad_input",service="prime"\} 2\n/)
    expect(text).toMatch(/prime_rejected_requests_total\{reason="not_found",service="prime"\} 1\n/)
    // Every reason of the error table from the start, at zero until it happens.
    for (const reason of ['queue_full', 'batches_in_progress', 'worker_failed', 'shutting_down', 'too_large']) {
      expect(text).toMatch(new RegExp(`prime_rejected_requests_total\\{reason="${reason}",service="prime"\\} 0\\n`))
    }
  })

  it('lists both check routes with their schemas in the OpenAPI document', async () => {
    const app = await buildApp()
    const doc = (await app.inject('/docs/json')).json()
    expect(doc.paths['/check/{number}'].get.parameters[0]).toMatchObject({ name: 'number', in: 'path' })
    expect(doc.paths['/check/{number}'].get.responses).toHaveProperty('200')
    expect(doc.paths['/check/{number}'].get.responses).toHaveProperty('400')
    expect(doc.paths['/check'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('numbers')
    expect(doc.paths['/check'].post.responses).toHaveProperty('503')
  })

  it('serves the docs UI at /docs', async () => {
    const app = await buildApp()
    const res = await app.inject('/docs/')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
  })

  it('answers an unknown route with 404 JSON', async () => {
    const app = await buildApp()
    const res = await app.inject('/nope')
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('PRIME_NOT_FOUND')
  })
})
