import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { ErrorTable, errors, expectContinue, MULTIPART_ALLOWANCE_BYTES } from '@inference-stack/kit'
import { curl, finalHeader } from './curl.js'

const LIMIT = 2 * 1024 * 1024
const TABLE = new ErrorTable('TEST', { body_too_large: { status: 413, code: 'TEST_BODY_TOO_LARGE', reason: 'too_large' } })

/** A service with one upload route (limit 2 MiB) that counts the bytes it reads. */
async function service () {
  const app = Fastify()
  await app.register(errors, { table: TABLE })
  await app.register(expectContinue, { tooLarge: TABLE.specs.body_too_large })
  let handled = 0
  const count = async (_request: unknown, payload: AsyncIterable<Buffer>) => {
    let bytes = 0
    for await (const chunk of payload) bytes += chunk.length
    return bytes
  }
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => { done(null, (body as Buffer).length) })
  // Like @fastify/multipart, this parser is not bound by the route's bodyLimit: it reads the stream itself.
  app.addContentTypeParser('multipart/form-data', count)
  app.post('/upload', { bodyLimit: LIMIT }, async (request) => {
    handled++
    return { bytes: request.body }
  })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => app.close())
  return { url, handled: () => handled }
}

describe('expectContinue with the curl binary', () => {
  let dir: string
  const file = (name: string) => join(dir, name)
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'expect-continue-'))
    await writeFile(file('1.5m'), randomBytes(1.5 * 1024 * 1024))
    await writeFile(file('at-limit'), randomBytes(LIMIT))
    await writeFile(file('over'), randomBytes(LIMIT + 1))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))
  const raw = (name: string) => ['--data-binary', `@${file(name)}`, '-H', 'content-type: application/octet-stream']

  it('sends 100 Continue for a body over 1 MB that fits, and reads it whole', async () => {
    const { url } = await service()
    const res = await curl(`${url}/upload`, ...raw('1.5m'))
    expect(res.continued).toBe(true)
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ bytes: 1.5 * 1024 * 1024 })
  })

  it('takes a body of exactly the route\'s limit', async () => {
    const { url } = await service()
    const res = await curl(`${url}/upload`, ...raw('at-limit'))
    expect([res.status, res.continued, res.uploaded]).toEqual([200, true, LIMIT])
  })

  it('answers a declared body one byte over the limit with 413 at once: no 100, nothing uploaded, connection closed', async () => {
    const { url, handled } = await service()
    const res = await curl(`${url}/upload`, ...raw('over'))
    expect(res.status).toBe(413)
    expect(res.continued).toBe(false)
    expect(res.uploaded).toBe(0)
    expect(finalHeader(res, 'connection')).toBe('close')
    expect(res.json()).toEqual({
      error: { code: 'TEST_BODY_TOO_LARGE', message: `the request body is ${LIMIT + 1} bytes; the limit for POST /upload is ${LIMIT} bytes` }
    })
    expect(handled()).toBe(0)
  })

  it('answers the same 413 to a client that sends the body without Expect', async () => {
    const { url, handled } = await service()
    const res = await curl(`${url}/upload`, ...raw('over'), '-H', 'Expect:')
    expect(res.continued).toBe(false)
    expect(res.status).toBe(413)
    expect(res.json<{ error: { code: string } }>().error.code).toBe('TEST_BODY_TOO_LARGE')
    expect(handled()).toBe(0)
  })

  it('lets a chunked body in with 100 Continue and counts it against the limit while it streams', async () => {
    const { url } = await service()
    const chunked = ['-H', 'transfer-encoding: chunked']
    const fits = await curl(`${url}/upload`, ...raw('1.5m'), ...chunked)
    expect([fits.status, fits.continued]).toEqual([200, true])
    expect(fits.json()).toEqual({ bytes: 1.5 * 1024 * 1024 })
    const over = await curl(`${url}/upload`, ...raw('over'), ...chunked)
    expect([over.status, over.continued]).toEqual([413, true])
  })

  it('gives a multipart body room for its part headers: a file of exactly the limit passes, a larger one does not', async () => {
    const { url } = await service()
    const fits = await curl(`${url}/upload`, '-F', `image=@${file('at-limit')};type=image/png`)
    expect([fits.status, fits.continued]).toEqual([200, true])
    expect(fits.json<{ bytes: number }>().bytes).toBeGreaterThan(LIMIT)
    await writeFile(file('too-big'), randomBytes(LIMIT + MULTIPART_ALLOWANCE_BYTES))
    const over = await curl(`${url}/upload`, '-F', `image=@${file('too-big')};type=image/png`)
    expect([over.status, over.continued, over.uploaded]).toEqual([413, false, 0])
  })

  it('answers an unknown route 404 without asking for the body', async () => {
    const { url } = await service()
    const res = await curl(`${url}/nowhere`, '--data-binary', `@${file('1.5m')}`, '-H', 'content-type: image/png')
    expect([res.status, res.continued, res.uploaded]).toEqual([404, false, 0])
    expect(res.json<{ error: { code: string } }>().error.code).toBe('TEST_NOT_FOUND')
  })
})
