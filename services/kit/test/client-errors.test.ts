import { Writable } from 'node:stream'
import { Type } from 'typebox'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createServer, ErrorTable, service } from '@inference-stack/kit'
import { rawExchange } from './raw-http.js'

const TABLE = new ErrorTable('WIDGET', { body_too_large: { status: 413, code: 'WIDGET_BODY_TOO_LARGE', reason: 'too_large' } })

/** A service made by createServer, listening on a free port, with its log lines kept. */
async function widget (fastify: Record<string, unknown> = {}): Promise<{ port: number, logs: Array<{ level: number, msg: string }>, rejected: () => Promise<string> }> {
  const logs: Array<{ level: number, msg: string }> = []
  const stream = new Writable({ write (chunk: Buffer, _enc, done) { logs.push(JSON.parse(chunk.toString())); done() } })
  const app = createServer({ name: 'widget', fastify: { logger: { level: 'info', stream }, ...fastify } })
  await app.register(service, { name: 'widget', errors: TABLE, openapi: false })
  app.post('/upload', async () => ({ ok: true }))
  app.get('/items/:id', async () => ({ ok: true }))
  onTestFinished(() => app.close())
  const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }))
  return { port: Number(url.port), logs, rejected: async () => await app.metrics.metrics() }
}

const json = (body: string): unknown => JSON.parse(body)

describe('what is refused before any route runs', () => {
  it('answers a malformed percent-encoding 400 <PREFIX>_BAD_URL in the JSON error body, counted as bad_input', async () => {
    const w = await widget()
    const res = await rawExchange(w.port, ['GET /items/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    expect(res.status).toBe(400)
    expect(json(res.body)).toEqual({ error: { code: 'WIDGET_BAD_URL', message: "'/items/%ZZ' is not a valid url component: a % must start two hex digits, and the bytes they encode must be UTF-8" } })
    expect(await w.rejected()).toMatch(/widget_rejected_requests_total\{reason="bad_input",service="widget"\} 1/)
  })

  it('answers headers over Node\'s limit 431 <PREFIX>_HEADERS_TOO_LARGE in JSON, and closes the connection', async () => {
    const w = await widget()
    const res = await rawExchange(w.port, [`GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`])
    expect([res.status, res.headers['content-type'], res.headers.connection]).toEqual([431, 'application/json; charset=utf-8', 'close'])
    expect(json(res.body)).toEqual({ error: { code: 'WIDGET_HEADERS_TOO_LARGE', message: 'the request line and headers are larger than 16384 bytes' } })
    expect(await w.rejected()).toMatch(/widget_rejected_requests_total\{reason="too_large",service="widget"\} 1/)
  })

  it('answers malformed HTTP 400 <PREFIX>_BAD_REQUEST in JSON, naming the parser\'s complaint', async () => {
    const w = await widget()
    const res = await rawExchange(w.port, ['POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: twelve\r\n\r\n'])
    expect(res.status).toBe(400)
    expect(json(res.body)).toEqual({ error: { code: 'WIDGET_BAD_REQUEST', message: expect.stringMatching(/^malformed HTTP request \(HPE_[A-Z_]+\)$/) } })
  })

  it('answers a request not received within requestTimeout 408 <PREFIX>_REQUEST_TIMEOUT in JSON, counted as slow_client', async () => {
    const w = await widget({ requestTimeout: 300, http: { connectionsCheckingInterval: 50, headersTimeout: 300 } })
    const res = await rawExchange(w.port, ['POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":'])
    expect(res.status).toBe(408)
    expect(json(res.body)).toEqual({ error: { code: 'WIDGET_REQUEST_TIMEOUT', message: 'the request was not received within 300 ms' } })
    expect(await w.rejected()).toMatch(/widget_rejected_requests_total\{reason="slow_client",service="widget"\} 1/)
  })

  it('never logs these client mistakes as errors, and never with a stack trace', async () => {
    const w = await widget({ requestTimeout: 300, http: { connectionsCheckingInterval: 50, headersTimeout: 300 } })
    await rawExchange(w.port, ['GET /items/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    await rawExchange(w.port, [`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`])
    await rawExchange(w.port, ['BREW /pot HTCPCP/1.0\r\n\r\n'])
    await rawExchange(w.port, ['POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{'])
    expect(w.logs.filter((l) => l.level >= 40)).toEqual([])
    expect(JSON.stringify(w.logs)).not.toMatch(/"stack"/)
  })
})

describe('number query parameters', () => {
  async function app () {
    const server = createServer({ name: 'widget', logLevel: 'silent' })
    await server.register(service, { name: 'widget', errors: TABLE, openapi: false })
    server.get('/items', { schema: { querystring: Type.Object({ n: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })), w: Type.Optional(Type.Number()) }) } },
      async (request) => request.query)
    onTestFinished(() => server.close())
    return server
  }

  it.each(['Infinity', '-Infinity', '1e400', 'NaN', '', ' 3', '0x3', '3abc', '1_000'])('refuses n=%j with 400 naming the parameter, before the route runs', async (value) => {
    const res = await (await app()).inject(`/items?n=${encodeURIComponent(value)}`)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'WIDGET_BAD_REQUEST', message: `querystring.n must be a finite decimal number; got ${JSON.stringify(value)}` } })
  })

  it.each([['1.5', 'querystring.n must be integer'], ['-1', 'querystring.n must be >= 1'], ['21', 'querystring.n must be <= 20']])('leaves type and range to the schema: n=%s is %s', async (value, message) => {
    const res = await (await app()).inject(`/items?n=${value}`)
    expect([res.statusCode, res.json().error.message]).toEqual([400, message])
  })

  it('takes decimal numbers as numbers', async () => {
    const res = await (await app()).inject('/items?n=20&w=-2.5e-3')
    expect(res.json()).toEqual({ n: 20, w: -0.0025 })
  })
})
