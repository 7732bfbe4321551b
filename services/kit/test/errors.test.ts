import { Type } from 'typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { errorFormat, errors, ErrorTable, HttpError, metrics } from '@inference-stack/kit'

const TABLE = new ErrorTable('TEST', {
  bad_widget: { status: 400, code: 'TEST_BAD_WIDGET', reason: 'bad_input' },
  body_too_large: { status: 413, code: 'TEST_BODY_TOO_LARGE', reason: 'too_large' },
  busy: { status: 503, code: 'TEST_BUSY', reason: 'queue_full', retryAfter: true },
  full: { status: 503, code: 'TEST_FULL', reason: 'queue_full', retryAfter: 2 },
  gone: { status: 503, code: 'TEST_GONE', reason: 'no_model' }
})

/** A service with the kit's error handling, counting refusals in test_rejected_requests_total. */
async function service (define: (app: FastifyInstance) => void, retryAfterS = 7): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(metrics, { service: 'test' })
  await app.register(errors, { table: TABLE, retryAfterS, rejectedMetric: 'test_rejected_requests_total' })
  define(app)
  await app.ready()
  onTestFinished(() => app.close())
  return app
}

const rejected = async (app: FastifyInstance): Promise<Record<string, number>> => {
  const values = (await app.metrics.getSingleMetric('test_rejected_requests_total')?.get())?.values ?? []
  return Object.fromEntries(values.map((v) => [v.labels.reason, v.value]))
}

describe('the kit\'s error handler', () => {
  it('answers a table error with its status and code and the message, and counts it under its reason', async () => {
    const app = await service((a) => a.get('/w', async () => { throw TABLE.error('bad_widget', 'widget 7 is bent') }))
    const res = await app.inject('/w')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'TEST_BAD_WIDGET', message: 'widget 7 is bent' } })
    expect(res.headers['retry-after']).toBeUndefined()
    expect((await rejected(app)).bad_input).toBe(1)
  })

  it('adds Retry-After with the configured seconds where the entry asks for it, and only there, in seconds and in milliseconds', async () => {
    const app = await service((a) => {
      a.get('/busy', async () => { throw TABLE.error('busy', 'the queue is full') })
      a.get('/gone', async () => { throw TABLE.error('gone', 'no model') })
    }, 3)
    const busy = await app.inject('/busy')
    expect([busy.statusCode, busy.headers['retry-after'], busy.headers['retry-after-ms']]).toEqual([503, '3', '3000'])
    expect(busy.json()).toEqual({ error: { code: 'TEST_BUSY', message: 'the queue is full', retry_after_ms: 3000 } })
    const gone = await app.inject('/gone')
    expect([gone.statusCode, gone.headers['retry-after'], gone.headers['retry-after-ms']]).toEqual([503, undefined, undefined])
    expect(gone.json().error).not.toHaveProperty('retry_after_ms')
    expect(await rejected(app)).toMatchObject({ queue_full: 1, no_model: 1 })
  })

  it('says when to retry from the error\'s own estimate when it has one: milliseconds exact, Retry-After rounded up to whole seconds', async () => {
    const app = await service((a) => {
      a.get('/soon', async () => { throw TABLE.error('busy', 'the queue is full', { retryAfterMs: 240.2 }) })
      a.get('/later', async () => { throw TABLE.error('busy', 'the queue is full', { retryAfterMs: 2001 }) })
      a.get('/never', async () => { throw TABLE.error('gone', 'no model', { retryAfterMs: 50 }) })
    }, 3)
    const soon = await app.inject('/soon')
    expect([soon.headers['retry-after'], soon.headers['retry-after-ms'], soon.json().error.retry_after_ms]).toEqual(['1', '241', 241])
    const later = await app.inject('/later')
    expect([later.headers['retry-after'], later.headers['retry-after-ms'], later.json().error.retry_after_ms]).toEqual(['3', '2001', 2001])
    // An entry without retryAfter never says when to retry, whatever the error carries.
    expect((await app.inject('/never')).headers['retry-after']).toBeUndefined()
  })

  it('adds the entry\'s own seconds of Retry-After where the entry fixes them', async () => {
    const app = await service((a) => a.get('/full', async () => { throw TABLE.error('full', 'the buffer is full') }), 30)
    const full = await app.inject('/full')
    expect([full.statusCode, full.headers['retry-after']]).toEqual([503, '2'])
  })

  it('starts every reason of the table at zero, so dashboards see the series before the first refusal', async () => {
    const app = await service(() => {})
    expect(await rejected(app)).toEqual({ bad_input: 0, not_found: 0, too_large: 0, slow_client: 0, shutting_down: 0, queue_full: 0, no_model: 0 })
  })

  it('answers a validation failure 400 <PREFIX>_BAD_REQUEST naming the field', async () => {
    const app = await service((a) => a.post('/w', { schema: { body: Type.Object({ size: Type.Integer() }) } }, async () => ({ ok: true })))
    const res = await app.inject({ method: 'POST', url: '/w', payload: { size: 'big' } })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'TEST_BAD_REQUEST', message: 'body.size must be integer' } })
    expect((await rejected(app)).bad_input).toBe(1)
  })

  it('names fastify\'s own 4xx errors with the prefix and counts them by status; a body its parser finds too large gets the table\'s body_too_large', async () => {
    const app = await service((a) => a.post('/w', { bodyLimit: 10 }, async () => ({ ok: true })))
    const tooLarge = await app.inject({ method: 'POST', url: '/w', payload: { text: 'more than ten bytes' } })
    expect([tooLarge.statusCode, tooLarge.json()]).toEqual([413, { error: { code: 'TEST_BODY_TOO_LARGE', message: 'the request body is over 10 bytes, the limit for POST /w' } }])
    const media = await app.inject({ method: 'POST', url: '/w', headers: { 'content-type': 'text/x-widget' }, payload: 'w' })
    expect([media.statusCode, media.json().error.code]).toEqual([415, 'TEST_CTP_INVALID_MEDIA_TYPE'])
    const json = await app.inject({ method: 'POST', url: '/w', headers: { 'content-type': 'application/json' }, payload: '{' })
    expect([json.statusCode, json.json().error.code]).toEqual([400, 'TEST_CTP_INVALID_JSON_BODY'])
    expect(await rejected(app)).toMatchObject({ too_large: 1, unsupported: 1, bad_input: 1 })
  })

  it('hides an unexpected error behind 500 <PREFIX>_INTERNAL, keeps its cause for the log, and counts no refusal', async () => {
    const cause = new Error('the widget database is on fire')
    const app = await service((a) => a.get('/w', async () => { throw new Error('query failed', { cause }) }))
    const res = await app.inject('/w')
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({ error: { code: 'TEST_INTERNAL', message: 'internal error; see the service log' } })
    expect(Object.values(await rejected(app)).every((n) => n === 0)).toBe(true)
  })

  it('answers an unknown route 404 <PREFIX>_NOT_FOUND in JSON, counted as not_found', async () => {
    const app = await service(() => {})
    const res = await app.inject('/nowhere?x=1')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'TEST_NOT_FOUND', message: 'no route for GET /nowhere' } })
    expect((await rejected(app)).not_found).toBe(1)
  })

  it('answers the routes of a kserve scope as { "error": "message" }, from the same table, with the same headers and counts', async () => {
    const app = await service((a) => {
      a.register(async (scope) => {
        errorFormat(scope, 'kserve')
        scope.get('/v2/busy', async () => { throw TABLE.error('busy', 'the queue is full') })
        scope.post('/v2/w', { schema: { body: Type.Object({ size: Type.Integer() }) } }, async () => ({ ok: true }))
        scope.get('/v2/bug', async () => { throw new Error('secret detail') })
      })
      a.get('/busy', async () => { throw TABLE.error('busy', 'the queue is full') })
    })
    const busy = await app.inject('/v2/busy')
    expect([busy.statusCode, busy.headers['retry-after'], busy.json()]).toEqual([503, '7', { error: 'the queue is full' }])
    // fastify's own wording of a validation failure, as KServe clients have always read it.
    const invalid = await app.inject({ method: 'POST', url: '/v2/w', payload: { size: 'big' } })
    expect([invalid.statusCode, invalid.json()]).toEqual([400, { error: 'body/size must be integer' }])
    expect((await app.inject('/v2/bug')).json()).toEqual({ error: 'internal error; see the service log' })
    // Outside the scope, the usual shape.
    expect((await app.inject('/busy')).json()).toEqual({ error: { code: 'TEST_BUSY', message: 'the queue is full', retry_after_ms: 7000 } })
    expect(await rejected(app)).toMatchObject({ queue_full: 2, bad_input: 1 })
  })

  it('refuses to start with a table that asks for Retry-After but no seconds for it', async () => {
    const app = Fastify({ logger: false })
    onTestFinished(() => app.close())
    await expect(app.register(errors, { table: TABLE })).rejects.toThrow('the TEST error table asks for Retry-After: give retryAfterS')
  })
})

describe('ErrorTable', () => {
  it('adds the kit\'s own entries, named from the prefix', () => {
    expect(TABLE.specs.bad_request).toEqual({ status: 400, code: 'TEST_BAD_REQUEST', reason: 'bad_input' })
    expect(TABLE.specs.request_aborted).toEqual({ status: 400, code: 'TEST_REQUEST_ABORTED', reason: 'bad_input' })
    expect(TABLE.specs.not_found).toEqual({ status: 404, code: 'TEST_NOT_FOUND', reason: 'not_found' })
    expect(TABLE.specs.internal).toEqual({ status: 500, code: 'TEST_INTERNAL', reason: 'internal' })
    expect(TABLE.specs.shutting_down).toEqual({ status: 503, code: 'TEST_SHUTTING_DOWN', reason: 'shutting_down', retryAfter: 1 })
    expect(TABLE.specs.bad_url).toEqual({ status: 400, code: 'TEST_BAD_URL', reason: 'bad_input' })
    expect(TABLE.specs.request_timeout).toEqual({ status: 408, code: 'TEST_REQUEST_TIMEOUT', reason: 'slow_client' })
    expect(TABLE.specs.headers_too_large).toEqual({ status: 431, code: 'TEST_HEADERS_TOO_LARGE', reason: 'too_large' })
  })

  it('makes errors that carry their entry and keep their cause', () => {
    const cause = new RangeError('queue at 64')
    const err = TABLE.error('busy', 'the queue is full', { cause })
    expect(err).toBeInstanceOf(HttpError)
    expect(err).toMatchObject({ statusCode: 503, code: 'TEST_BUSY', reason: 'queue_full', retryAfter: true, message: 'the queue is full', cause })
  })
})
