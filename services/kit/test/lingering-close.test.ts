import { connect, type Socket } from 'node:net'
import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ErrorTable, errors, expectContinue, LINGER_MAX_BYTES, lingeringClose } from '@inference-stack/kit'

const LIMIT = 1024 * 1024
const TABLE = new ErrorTable('TEST', { body_too_large: { status: 413, code: 'TEST_BODY_TOO_LARGE', reason: 'too_large' } })

/** A service with one upload route of 1 MiB, refusing larger declared bodies before reading them. */
async function service (): Promise<number> {
  const app = Fastify()
  await app.register(errors, { table: TABLE })
  await app.register(lingeringClose)
  await app.register(expectContinue, { tooLarge: TABLE.specs.body_too_large })
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  app.post('/upload', { bodyLimit: LIMIT }, async (request) => ({ bytes: (request.body as Buffer).length }))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => app.close())
  return Number(new URL(url).port)
}

interface Outcome {
  /** What the server sent before its end of the connection. */
  text: string
  /** The connection was reset rather than closed in order. */
  reset: boolean
  /** Bytes of the body written before the connection ended. */
  written: number
}

/**
 * A client that declares `declared` bytes and writes them as fast as the connection takes them,
 * without `Expect` and without waiting for an answer (as a plain HTTP library does), while reading
 * whatever comes back, until the connection ends.
 */
async function blast (port: number, declared: number, piece = 256 * 1024): Promise<Outcome> {
  const socket: Socket = connect(port, '127.0.0.1')
  socket.setNoDelay(true)
  onTestFinished(() => { socket.destroy() })
  let text = ''
  let reset = false
  let written = 0
  socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
  const ended = new Promise<void>((resolve) => {
    socket.on('error', (err: NodeJS.ErrnoException) => { reset ||= err.code === 'ECONNRESET' || err.code === 'EPIPE'; resolve() })
    socket.on('close', () => { resolve() })
  })
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.write(`POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\nContent-Length: ${declared}\r\n\r\n`)
  const body = Buffer.alloc(piece, 0x61)
  const state = { ended: false }
  ended.then(() => { state.ended = true }, () => {})
  while (!state.ended && written < declared) {
    const n = Math.min(piece, declared - written)
    written += n
    if (!socket.write(body.subarray(0, n))) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), ended])
  }
  await ended
  return { text, reset, written }
}

describe('lingeringClose', () => {
  it('lets a client that writes a large body without Expect read the 413 JSON instead of a connection reset', async () => {
    const port = await service()
    for (let i = 0; i < 5; i++) {
      const { text } = await blast(port, 64 * 1024 * 1024)
      expect(text).toMatch(/^HTTP\/1\.1 413 /)
      expect(text.toLowerCase()).toContain('connection: close')
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string } }
      expect(body.error.code).toBe('TEST_BODY_TOO_LARGE')
    }
  })

  it('closes the connection after LINGER_MAX_BYTES of a body nobody reads, however much more the client sends', async () => {
    const port = await service()
    const declared = 16 * LINGER_MAX_BYTES
    const { text, written } = await blast(port, declared)
    expect(text).toMatch(/^HTTP\/1\.1 413 /)
    expect(written).toBeLessThan(declared)
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
    expect(text).toMatch(/^HTTP\/1\.1 413 /)

    const fits = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(LIMIT) })
    expect(await fits.json()).toEqual({ bytes: LIMIT })
  })
})
