import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import classifierApp from '@inference-stack/classifier/app'
import { ClassifierConfigSchema } from '@inference-stack/classifier/contract'
import { loadConfig } from '@inference-stack/kit'
import primeApp, { PRIME_SERVER_OPTIONS } from '@inference-stack/prime/app'
import { PrimeConfigSchema } from '@inference-stack/prime/contract'
import { TEST_MODEL, testModelsDir } from '@inference-stack/test-assets'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { curl, type CurlAnswer } from '../../kit/test/curl.js'
import app from '../src/app.js'
import { FrontendConfigSchema } from '../src/contract.js'
import { photoPath } from './real-classifier.js'

/** The frontend's limits here, and the classifier's, lower still: each layer's 413 can be seen. */
const FRONTEND_LIMIT = 2_000_000
const CLASSIFIER_LIMIT = 1_000_000

const code = (res: CurlAnswer) => res.json<{ error: { code: string } }>().error.code
const v2Error = (res: CurlAnswer) => res.json<{ error: string }>().error
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

describe('bodies built to hurt, sent with curl through the frontend to the real services', () => {
  let dir: string
  let url: string
  const file = (name: string) => join(dir, name)
  const send = async (path: string, type: string, name: string, ...extra: string[]) =>
    await curl(`${url}${path}`, '--data-binary', `@${file(name)}`, '-H', `content-type: ${type}`, ...extra)
  const chunked = ['-H', 'transfer-encoding: chunked']
  const infer = `/api/classifier/v2/models/${TEST_MODEL}/infer`
  const servers: FastifyInstance[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frontend-bodies-'))
    await writeFile(file('3m.bin'), randomBytes(3_000_000))
    await writeFile(file('1.5m.bin'), randomBytes(1_500_000))
    const json = (size: number) => `{"inputs":[{"name":"input","datatype":"BYTES","shape":[1],"data":["${'A'.repeat(size)}"]}]}`
    await writeFile(file('infer-3m.json'), json(3_000_000))
    await writeFile(file('infer-1.5m.json'), json(1_500_000))
    await writeFile(file('batch-3m.json'), `{"numbers":["97"]${' '.repeat(3_000_000)}}`)
    await writeFile(file('deep-batch.json'), `{"numbers":${deep(400_000)}}`)
    await writeFile(file('deep-infer.json'), `{"inputs":[{"name":"input","datatype":"FP32","shape":[1,3,224,224],"data":${deep(400_000)}}]}`)
    const goldfish = await readFile(await photoPath('goldfish.jpg'))
    const part = '--XYZ\r\nContent-Disposition: form-data; name="image"; filename="goldfish.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    await writeFile(file('cut-short.multipart'), Buffer.concat([Buffer.from(part), goldfish.subarray(0, 5000)]))
    await writeFile(file('whole.multipart'), Buffer.concat([Buffer.from(part), goldfish, Buffer.from('\r\n--XYZ--\r\n')]))

    // Started once for the file (the model's warm-up takes a while), so not with the per-test helpers.
    const classifier = Fastify({ forceCloseConnections: true })
    await classifier.register(classifierApp, {
      config: loadConfig(ClassifierConfigSchema, {
        MODELS_DIR: await testModelsDir(),
        MODEL: TEST_MODEL,
        EXECUTION_PROVIDER: 'cpu',
        LOG_LEVEL: 'silent',
        MAX_IMAGE_BYTES: String(CLASSIFIER_LIMIT),
        MAX_INFER_BYTES: String(CLASSIFIER_LIMIT)
      })
    })
    const prime = Fastify({ ...PRIME_SERVER_OPTIONS, forceCloseConnections: true })
    await prime.register(primeApp, { config: loadConfig(PrimeConfigSchema, { LOG_LEVEL: 'silent', PRIME_WORKERS: '1' }) })
    const frontend = Fastify()
    servers.push(frontend, prime, classifier)
    const config = loadConfig(FrontendConfigSchema, {
      LOG_LEVEL: 'silent',
      PRIME_URL: await prime.listen({ host: '127.0.0.1', port: 0 }),
      CLASSIFIER_URL: await classifier.listen({ host: '127.0.0.1', port: 0 }),
      MAX_UPLOAD_BYTES: String(FRONTEND_LIMIT),
      MAX_INFER_BYTES: String(FRONTEND_LIMIT)
    })
    await frontend.register(app, { config })
    url = await frontend.listen({ host: '127.0.0.1', port: 0 })
    await classifier.classifier.warmedUp
  })
  afterAll(async () => {
    for (const server of servers) await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers bodies over the frontend\'s limits with its 413, chunked or not, raw, multipart or JSON; in KServe v2\'s shape on its routes', async () => {
    for (const res of [
      await send('/api/classify', 'image/jpeg', '3m.bin', ...chunked),
      await send('/api/classify', 'image/jpeg', '3m.bin'),
      await curl(`${url}/api/classify`, '-F', `image=@${file('3m.bin')}`, ...chunked),
      await send('/api/prime/check', 'application/json', 'batch-3m.json', ...chunked)
    ]) {
      expect(res.status, res.body).toBe(413)
      expect(code(res)).toBe('FRONTEND_BODY_TOO_LARGE')
    }
    for (const res of [
      await send(infer, 'application/json', 'infer-3m.json', ...chunked),
      await send(infer, 'application/json', 'infer-3m.json')
    ]) {
      expect(res.status, res.body).toBe(413)
      expect(v2Error(res)).toMatch(/the limit for POST \/api\/classifier\/v2\/models\/:name\/infer( is 2000000 bytes)?$/)
    }
  })

  it('passes a service\'s own 413 through for a body within the frontend\'s limit but over the service\'s, never a 502', async () => {
    for (const res of [
      await send('/api/classify', 'image/jpeg', '1.5m.bin', ...chunked),
      await send('/api/classify', 'image/jpeg', '1.5m.bin'),
      await curl(`${url}/api/classify`, '-F', `image=@${file('1.5m.bin')}`),
      await curl(`${url}/api/classify`, '-F', `image=@${file('1.5m.bin')}`, ...chunked)
    ]) {
      expect(res.status, res.body).toBe(413)
      expect(code(res)).toBe('CLASSIFIER_IMAGE_TOO_LARGE')
    }
    const v2 = await send(infer, 'application/json', 'infer-1.5m.json', ...chunked)
    expect(v2.status).toBe(413)
    expect(v2Error(v2)).toMatch(/limit for POST \/v2\/models\/:name\/infer is 1000000 bytes/)
  })

  it('answers malformed multipart and JSON nested 400,000 levels deep with the service\'s 400', async () => {
    const noBoundary = await send('/api/classify', 'multipart/form-data', 'whole.multipart')
    const otherBoundary = await send('/api/classify', 'multipart/form-data; boundary=ABC', 'whole.multipart')
    const cutShort = await send('/api/classify', 'multipart/form-data; boundary=XYZ', 'cut-short.multipart')
    for (const res of [noBoundary, otherBoundary, cutShort]) {
      expect(res.status, res.body).toBe(400)
      expect(code(res)).toBe('CLASSIFIER_BAD_MULTIPART')
    }
    expect((await send('/api/classify', 'multipart/form-data; boundary=XYZ', 'whole.multipart')).status).toBe(200)

    const batch = await send('/api/prime/check', 'application/json', 'deep-batch.json')
    expect([batch.status, code(batch)]).toEqual([400, 'PRIME_BAD_REQUEST'])
    const tensor = await send(infer, 'application/json', 'deep-infer.json')
    expect(tensor.status).toBe(400)
    expect(v2Error(tensor)).toMatch(/more than 64 levels deep/)
  })
})
