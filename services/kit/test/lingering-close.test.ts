import { connect, type Socket } from 'node:net'
import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ErrorTable, errors, expectContinue, LINGER_MAX_BYTES, lingeringClose } from '@inference-stack/kit'

const LIMIT = 1024 * 1024
const TABLE = new ErrorTable('TEST', {
  body_too_large: { status: 413, code: 'TEST_BODY_TOO_LARGE', reason: 'too_large' },
  busy: { status: 503, code: 'TEST_BUSY', reason: 'queue_full', retryAfter: true }
})

/**
 * A service with two upload routes of 1 MiB: /upload reads with fastify's parser (a declared
 * length over the limit is refused before it is read), /stream with a for-await loop that throws
 * past the limit, which destroys the request stream (as the classifier's raw uploads do).
 */
async function service (): Promise<number> {
  const app = Fastify()
  await app.register(errors, { table: TABLE, retryAfterS: 1 })
  await app.register(lingeringClose)
  await app.register(expectContinue, { tooLarge: TABLE.specs.body_too_large })
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => { done(null, (body as Buffer).length) })
  app.addContentTypeParser('application/x-stream', async (_request: unknown, payload: AsyncIterable<Buffer>) => {
    let bytes = 0
    for await (const chunk of payload) {
      bytes += chunk.length
      if (bytes > LIMIT) throw TABLE.error('body_too_large', `over ${LIMIT} bytes`)
    }
    return bytes
  })
  app.post('/upload', { bodyLimit: LIMIT }, async (request) => ({ bytes: request.body }))
  app.post('/stream', async (request) => ({ bytes: request.body }))
  // Refuses before the body is read, as admission under overload does.
  app.post('/busy', { bodyLimit: LIMIT, onRequest: (_request, _reply, done) => { done(TABLE.error('busy', 'busy')) } }, async () => ({}))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => app.close())
  return Number(new URL(url).port)
}

interface Outcome {
  /** What the server sent before its end of the connection. */
  text: string
  /** Bytes of the body written before the connection ended. */
  written: number
}

interface BlastOptions {
  path: string
  type: string
  chunked: boolean
  /** Keep writing after the server's end of stream (a client that never reads or half-closes). */
  ignoreEnd?: boolean
}

/**
 * A client that sends a body of `bytes` as fast as the connection takes it, without `Expect` and
 * without waiting for an answer (as a plain HTTP library does), while reading whatever comes back,
 * until the connection ends.
 */
async function blast (port: number, bytes: number, o: BlastOptions): Promise<Outcome> {
  const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: o.ignoreEnd === true })
  onTestFinished(() => { socket.destroy() })
  let text = ''
  socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
  const state = { ended: false }
  const ended = new Promise<void>((resolve) => {
    socket.on('error', () => { resolve() })
    socket.on('close', () => { resolve() })
  }).then(() => { state.ended = true })
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  const framing = o.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes}`
  socket.write(`POST ${o.path} HTTP/1.1\r\nHost: test\r\nContent-Type: ${o.type}\r\n${framing}\r\n\r\n`)
  const piece = Buffer.alloc(256 * 1024, 0x61)
  const chunk = o.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece
  let written = 0
  while (!state.ended && written < bytes) {
    written += piece.length
    if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), ended])
  }
  await ended
  return { text, written }
}

function expect413 (text: string): void {
  expect(text).toMatch(/^HTTP\/1\.1 413 /)
  expect(text.toLowerCase()).toContain('connection: close')
  const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string } }
  expect(body.error.code).toBe('TEST_BODY_TOO_LARGE')
}

describe('lingeringClose', () => {
  it('lets a client that writes a large body without Expect read the 413 JSON, whoever refused it, instead of a connection reset', async () => {
    const port = await service()
    for (let i = 0; i < 3; i++) {
      expect413((await blast(port, 64 * LIMIT, { path: '/upload', type: 'application/octet-stream', chunked: false })).text)
      expect413((await blast(port, 64 * LIMIT, { path: '/upload', type: 'application/octet-stream', chunked: true })).text)
      expect413((await blast(port, 64 * LIMIT, { path: '/stream', type: 'application/x-stream', chunked: true })).text)
    }
  })

  it('reads at most about LINGER_MAX_BYTES of a body nobody wants, however much more the client sends', async () => {
    const port = await service()
    const bytes = 16 * LINGER_MAX_BYTES
    for (const path of ['/upload', '/stream']) {
      const { text, written } = await blast(port, bytes, { path, type: path === '/upload' ? 'application/octet-stream' : 'application/x-stream', chunked: true, ignoreEnd: true })
      expect(text).toMatch(/^HTTP\/1\.1 413 /)
      expect(written).toBeLessThan(bytes)
    }
  })

  it('closes the connection of a client that stops sending, and answers a body that fits as before', async () => {
    const port = await service()
    const socket = connect(port, '127.0.0.1')
    onTestFinished(() => { socket.destroy() })
    let text = ''
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
    const closed = new Promise<void>((resolve) => { socket.on('close', () => resolve()); socket.on('error', () => resolve()) })
    // Declares 2 MiB, sends 10 bytes and waits: the 413 comes at once, then the end of the connection.
    socket.write(`POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\nContent-Length: ${2 * LIMIT}\r\n\r\n0123456789`)
    await closed
    expect413(text)

    const fits = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(LIMIT) })
    expect(await fits.json()).toEqual({ bytes: LIMIT })
  })

  it('keeps the connection after an early answer to a declared body within the limit: Node drops the rest, and the next request is answered on the same connection', async () => {
    const port = await service()
    const socket = connect(port, '127.0.0.1')
    onTestFinished(() => { socket.destroy() })
    let text = ''
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const answers = async (n: number): Promise<void> => {
      while ((text.match(/HTTP\/1\.1 \d{3} /g) ?? []).length < n && !socket.destroyed) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const body = 200 * 1024
    socket.write(`POST /busy HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body}\r\n\r\n`)
    await answers(1)
    expect(text).toMatch(/^HTTP\/1\.1 503 /)
    expect(text.toLowerCase()).not.toContain('connection: close')
    socket.write(Buffer.alloc(body, 0x61))
    socket.write('POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\n\r\nhello')
    await answers(2)
    expect(socket.destroyed).toBe(false)
    expect(text.slice(text.lastIndexOf('HTTP/1.1 '))).toMatch(/^HTTP\/1\.1 200 [\s\S]*\{"bytes":5\}$/)
  })
})
