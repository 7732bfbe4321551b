import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { curl, finalHeader } from '../../kit/test/curl.js'
import { refusedUrl, startFrontend, startUpstream } from './helpers.js'
import { rawExchange, trickle } from './raw-http.js'

/** MAX_BUFFERED_BYTES here: a client holding 800,000 bytes leaves no room for an upload of 500,000. */
const MAX_BUFFERED_BYTES = 1_000_000
const UPLOAD_BYTES = 500_000

interface Failed { error: { code: string, message: string } }

/** A classifier stand-in that answers with the body's size. */
async function frontendWithClassifier (bodyTimeoutMs: number): Promise<{ url: string, app: FastifyInstance }> {
  const classifier = await startUpstream((app) => {
    app.post('/classify', async (request) => ({ bytes: (request.body as Buffer).length }))
  })
  return await startFrontend({
    PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url, MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES), BODY_TIMEOUT_MS: String(bodyTimeoutMs)
  })
}

/** The frontend_buffered_request_bytes gauge: bytes of request bodies held now. */
async function buffered (app: FastifyInstance): Promise<number> {
  const match = /^frontend_buffered_request_bytes(?:\{[^}]*\})? (\d+)$/m.exec(await app.metrics.metrics())
  if (match === null) throw new Error('no frontend_buffered_request_bytes in the metrics')
  return Number(match[1])
}

async function until (condition: () => Promise<boolean>): Promise<void> {
  while (!await condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}

/** A curl upload of UPLOAD_BYTES announced with Expect: 100-continue. */
async function curlUpload (url: string) {
  const dir = await mkdtemp(join(tmpdir(), 'frontend-buffer-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'photo.jpg')
  await writeFile(file, randomBytes(UPLOAD_BYTES))
  return await curl(`${url}/api/classify`, '--data-binary', `@${file}`, '-H', 'content-type: image/jpeg', '-H', 'Expect: 100-continue')
}

describe('the buffer for request bodies (MAX_BUFFERED_BYTES)', () => {
  it('counts the bytes clients have sent, not the lengths they declared: trickling clients leave room for an upload', async () => {
    const { url, app } = await frontendWithClassifier(10_000)
    // Together they declare 2.7 MB, almost three times the buffer, and send a few bytes.
    const slow = [1, 2, 3].map(() => trickle(url, '/api/classify', 'image/jpeg', 900_000, 100))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await buffered(app)).toBeLessThan(100)

    const taken = await curlUpload(url)
    expect([taken.status, taken.continued]).toEqual([200, true])
    expect(taken.json()).toEqual({ bytes: UPLOAD_BYTES })
    // And nobody refused the trickling clients: they are still sending.
    for (const { outcome } of slow) expect(await Promise.race([outcome.then(() => 'answered'), 'still sending'])).toBe('still sending')
  })

  it('answers 503 before the 100 Continue when an announced body would not fit beside the bytes held, and takes it once they are freed', async () => {
    const { url, app } = await frontendWithClassifier(1500)
    const holder = trickle(url, '/api/classify', 'image/jpeg', 900_000, 250, 800_000)
    await until(async () => await buffered(app) >= 800_000)

    const refused = await curlUpload(url)
    expect([refused.status, refused.continued, refused.uploaded]).toEqual([503, false, 0])
    expect(finalHeader(refused, 'retry-after')).toBe('1')
    expect(refused.json<Failed>().error.code).toBe('FRONTEND_BUSY')

    expect((await holder.outcome).answer?.status).toBe(408)
    expect(await buffered(app)).toBe(0)
    const taken = await curlUpload(url)
    expect([taken.status, taken.continued]).toEqual([200, true])
    expect(taken.json()).toEqual({ bytes: UPLOAD_BYTES })
  })

  it('answers 503 to a body that passes the bound as it arrives, frees what it held at once, and its client reads the answer', async () => {
    const { url, app } = await frontendWithClassifier(10_000)
    trickle(url, '/api/classify', 'image/jpeg', 900_000, 250, 800_000)
    await until(async () => await buffered(app) >= 800_000)
    const held = await buffered(app)

    // No Expect: the body comes whatever the answer, and the rest is read and dropped after it.
    const answer = await rawExchange(url, `POST /api/classify HTTP/1.1\r\nHost: test\r\nContent-Type: image/jpeg\r\nContent-Length: ${UPLOAD_BYTES}\r\n\r\n${'x'.repeat(UPLOAD_BYTES)}`)
    expect(answer.status).toBe(503)
    expect(answer.headers.connection).toBe('close')
    expect((JSON.parse(answer.body) as Failed).error.code).toBe('FRONTEND_BUSY')
    expect(answer.closed).toBe(true)
    // Only the holder's bytes (and the few it trickled since) are held.
    expect(await buffered(app)).toBeLessThan(held + 100)
  })
})
