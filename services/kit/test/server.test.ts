import { connect, createServer as createNetServer, type AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createServer, DEFAULT_BODY_TIMEOUT_MS, errors, ErrorTable, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, listen, ListenError, REQUEST_TIMEOUT_MS } from '@inference-stack/kit'

const TABLE = new ErrorTable('TEST', { body_too_large: { status: 413, code: 'TEST_BODY_TOO_LARGE', reason: 'too_large' } })

/** A server from createServer whose log lines are collected, with one route that reads a body. */
async function serve (accessLog?: boolean, requestTimeout?: number) {
  const lines: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _encoding, next) { lines.push(chunk.toString()); next() } })
  const server = createServer({
    name: 'test',
    accessLog,
    fastify: { logger: { level: 'info', stream }, ...(requestTimeout === undefined ? {} : { requestTimeout }) }
  })
  await server.register(errors, { table: TABLE })
  server.post('/upload', async (request) => ({ bytes: String(request.body).length }))
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => server.close())
  return { server, url, lines }
}

describe('createServer', () => {
  it('gives every service the same timeouts, logger level and name, and takes fastify options on top', async () => {
    const server = createServer({ name: 'widget', logLevel: 'warn', fastify: { bodyLimit: 1234 } })
    onTestFinished(() => server.close())
    expect(server.initialConfig).toMatchObject({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, bodyLimit: 1234 })
    expect(server.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS)
    expect(server.log.level).toBe('warn')
    const later = createServer({ name: 'widget', fastify: { requestTimeout: 120_000 } })
    onTestFinished(() => later.close())
    expect(later.server.requestTimeout).toBe(120_000)
  })

  it('gives every service the same timeouts: headers, then the whole request, a backstop above the body timeout', async () => {
    const { server } = await serve()
    expect(server.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS)
    expect(server.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS)
    expect(REQUEST_TIMEOUT_MS).toBeGreaterThan(DEFAULT_BODY_TIMEOUT_MS)
  })

  it('cuts a request whose body stops arriving once its time is up, not up to 30 s later', async () => {
    const { url } = await serve(false, 1_000)
    const { port } = new URL(url)
    const socket = connect(Number(port), '127.0.0.1')
    onTestFinished(() => { socket.destroy() })
    let answer = ''
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString() })
    socket.write('POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly part of it')
    // Node's default check interval (30 s) would let this wait until the test's own timeout.
    await new Promise((resolve) => socket.on('close', resolve))
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
  }, 15_000)

  it('logs no line per request unless access logs are asked for', async () => {
    const quiet = await serve()
    await fetch(`${quiet.url}/upload`, { method: 'POST', body: 'x' })
    expect(quiet.lines.filter((l) => l.includes('"reqId"'))).toEqual([])

    const logged = await serve(true)
    await fetch(`${logged.url}/upload`, { method: 'POST', body: 'x' })
    const messages = logged.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)
    expect(messages).toContain('incoming request')
    expect(messages).toContain('request completed')
  })

  it('takes a client that leaves mid-body for what it is: an info line, not an error', async () => {
    const { url, lines } = await serve()
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    socket.write('POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly part of it')
    await new Promise((resolve) => setTimeout(resolve, 200))
    socket.destroy()
    while (!lines.some((l) => l.includes('closed the connection'))) await new Promise((resolve) => setTimeout(resolve, 20))
    const records = lines.map((l) => JSON.parse(l) as { level: number, msg: string })
    expect(records.find((r) => r.msg.includes('closed the connection'))?.level).toBe(30)
    expect(records.filter((r) => r.level >= 50)).toEqual([])
  })
})

describe('listen', () => {
  it('resolves with the address it listens on', async () => {
    const server = createServer({ name: 'widget', logLevel: 'silent' })
    server.get('/', async () => ({ ok: true }))
    onTestFinished(() => server.close())
    const url = await listen(server, { host: '127.0.0.1', port: 0 })
    expect(await (await fetch(url)).json()).toEqual({ ok: true })
  })

  it('turns a port in use into a ListenError naming the address and the variable that moves it', async () => {
    const squatter = createNetServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => squatter.close(() => resolve())))
    const port = (squatter.address() as AddressInfo).port
    const server = createServer({ name: 'widget', logLevel: 'silent' })
    onTestFinished(() => server.close())
    const failure = await listen(server, { host: '127.0.0.1', port }).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(ListenError)
    expect(failure).toMatchObject({
      code: 'EADDRINUSE',
      port,
      message: `cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); set PORT to a free port`
    })
  })
})
