import { request } from 'node:http'
import { connect } from 'node:net'
import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { drain, ErrorTable, errors } from '@inference-stack/kit'

const TABLE = new ErrorTable('TEST', { body_too_large: { status: 413, code: 'TEST_BODY_TOO_LARGE', reason: 'too_large' } })

function get (url: string, agent: import('node:http').Agent): Promise<{ status: number, connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }))
    }).on('error', reject).end()
  })
}

describe('drain', () => {
  it('answers a request in flight during close with Connection: close, so close() need not wait for the client', async () => {
    const app = Fastify()
    await app.register(drain)
    let release!: () => void
    const released = new Promise<void>((resolve) => { release = resolve })
    let started!: () => void
    const inFlight = new Promise<void>((resolve) => { started = resolve })
    app.get('/slow', async () => { started(); await released; return { ok: true } })
    app.get('/fast', async () => ({ ok: true }))
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const agent = new (await import('node:http')).Agent({ keepAlive: true })

    expect((await get(`${url}/fast`, agent)).connection).toBe('keep-alive')
    const answer = get(`${url}/slow`, agent)
    await inFlight
    const closed = app.close()
    // The close has begun (drain's preClose waits for this request) when the answer is sent.
    await new Promise((resolve) => setTimeout(resolve, 50))
    release()
    expect(await answer).toEqual({ status: 200, connection: 'close' })
    await closed
    agent.destroy()
  })

  it('answers a request that arrives while the server closes with the table\'s shutting_down 503 JSON, Retry-After and Connection: close', async () => {
    // As the kit's createServer does: fastify's own closing 503 has no code.
    const app = Fastify({ return503OnClosing: false })
    await app.register(errors, { table: TABLE })
    await app.register(drain, { name: 'test', shuttingDown: TABLE.specs.shutting_down })
    let closing!: () => void
    const closeBegun = new Promise<void>((resolve) => { closing = resolve })
    app.addHook('preClose', async () => { closing() })
    app.get('/fast', async () => ({ ok: true }))
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    // A request begun before the close and finished after it: the server cannot call its connection idle.
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    onTestFinished(() => { socket.destroy() })
    let text = ''
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
    const ended = new Promise<void>((resolve) => { socket.on('close', () => resolve()) })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.write('GET /fast HTTP/1.1\r\nHost: test\r\n')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closed = app.close()
    await closeBegun
    socket.write('\r\n')
    await ended
    await closed
    const [head = '', body = ''] = text.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 503 /)
    expect(head.toLowerCase()).toContain('connection: close')
    expect(head.toLowerCase()).toContain('retry-after: 1')
    expect(JSON.parse(body)).toEqual({ error: { code: 'TEST_SHUTTING_DOWN', message: 'the test service is shutting down; retry shortly', retry_after_ms: 1000 } })
  })

  it('keeps listening until the requests from before the close are answered: a new client meanwhile reads the 503 JSON, not a reset or a refused connection; then the port closes', async () => {
    const app = Fastify({ return503OnClosing: false })
    await app.register(errors, { table: TABLE })
    // Before drain's own preClose hook, which waits for the request in flight.
    let closing!: () => void
    const closeBegun = new Promise<void>((resolve) => { closing = resolve })
    app.addHook('preClose', async () => { closing() })
    await app.register(drain, { name: 'test', shuttingDown: TABLE.specs.shutting_down })
    let release!: () => void
    const released = new Promise<void>((resolve) => { release = resolve })
    let started!: () => void
    const inFlight = new Promise<void>((resolve) => { started = resolve })
    app.get('/slow', async () => { started(); await released; return { ok: true } })
    app.get('/fast', async () => ({ ok: true }))
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const slow = fetch(`${url}/slow`)
    await inFlight
    const closed = app.close()
    await closeBegun
    // A new connection while the earlier request runs.
    const during = await fetch(`${url}/fast`)
    expect(during.status).toBe(503)
    expect(during.headers.get('connection')).toBe('close')
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe('TEST_SHUTTING_DOWN')
    release()
    expect((await slow).status).toBe(200)
    await closed
    const after = await fetch(`${url}/fast`).then(() => 'answered', (err: { cause?: { code?: string } }) => err.cause?.code)
    expect(after).toBe('ECONNREFUSED')
  })
})
