import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClassifyResponse } from '@inference-stack/classifier/contract'
import { MULTIPART_ALLOWANCE_BYTES } from '@inference-stack/kit'
import { testImagesDir } from '@inference-stack/test-assets'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nearLimitPng } from '../../classifier/test/near-limit.js'
import { curl, finalHeader } from '../../kit/test/curl.js'
import { DEFAULT_MAX_PRIME_BODY_BYTES, DEFAULT_MAX_UPLOAD_BYTES } from '../src/config.js'
import { refusedUrl, startFrontend, startPrime, startUpstream } from './helpers.js'
import { startClassifier } from './real-classifier.js'

const IMAGES_DIR = await testImagesDir()
const TABBY = join(IMAGES_DIR, 'tabby-cat.png')
const TABBY_BYTES = 3806096
const TABBY_CLASSES = [281, 282] // tabby cat, tiger cat: ImageNet confuses them
interface Failed { error: { code: string, message: string } }
const png = (path: string) => ['--data-binary', `@${path}`, '-H', 'content-type: image/png']

describe('uploads through the frontend with the curl binary (Expect: 100-continue above 1 MB)', () => {
  let dir: string
  const file = (name: string) => join(dir, name)
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frontend-curl-'))
    await writeFile(file('near-limit.png'), await nearLimitPng(DEFAULT_MAX_UPLOAD_BYTES))
    await writeFile(file('over-limit.bin'), Buffer.alloc(DEFAULT_MAX_UPLOAD_BYTES + 1))
    await writeFile(file('over-allowance.bin'), Buffer.alloc(DEFAULT_MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE_BYTES))
    await writeFile(file('infer.json'), JSON.stringify({
      inputs: [{ name: 'input', shape: [1], datatype: 'BYTES', data: [(await readFile(TABBY)).toString('base64')] }],
      outputs: [{ name: 'output', parameters: { classification: 1 } }]
    }))
    const batch = JSON.stringify({ numbers: ['97'] })
    await writeFile(file('batch-at-limit.json'), batch.slice(0, -1) + ' '.repeat(DEFAULT_MAX_PRIME_BODY_BYTES - batch.length) + '}')
    await writeFile(file('batch-3m.json'), batch.slice(0, -1) + ' '.repeat(3 * 1024 * 1024) + '}')
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('classifies the README\'s 3.8 MB PNG raw, with -F, and chunked, with the real classifier behind', async () => {
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await startClassifier() })
    const raw = await curl(`${url}/api/classify`, ...png(TABBY))
    expect([raw.status, raw.continued, raw.uploaded]).toEqual([200, true, TABBY_BYTES])
    expect(TABBY_CLASSES).toContain(raw.json<ClassifyResponse>().predictions[0]?.index)

    const form = await curl(`${url}/api/classify?topk=1`, '-F', `image=@${TABBY}`)
    expect([form.status, form.continued]).toEqual([200, true])
    expect(TABBY_CLASSES).toContain(form.json<ClassifyResponse>().predictions[0]?.index)

    const chunked = await curl(`${url}/api/classify`, ...png(TABBY), '-H', 'transfer-encoding: chunked')
    expect([chunked.status, chunked.continued]).toEqual([200, true])

    const small = await curl(`${url}/api/classify`, '--data-binary', `@${join(IMAGES_DIR, 'goldfish.jpg')}`, '-H', 'content-type: image/jpeg')
    expect([small.status, small.continued]).toEqual([200, false])

    for (const args of [png(file('near-limit.png')), ['-F', `image=@${file('near-limit.png')}`]]) {
      const near = await curl(`${url}/api/classify`, ...args)
      expect([near.status, near.continued], `near the limit: ${args.join(' ')}`).toEqual([200, true])
    }
  })

  it('answers a body over the limit with 413 at once, raw or multipart, and one that outgrows it chunked once it does', async () => {
    const classifier = await startUpstream((app) => { app.post('/classify', async () => ({ reached: true })) })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    for (const args of [png(file('over-limit.bin')), ['-F', `image=@${file('over-allowance.bin')}`]]) {
      const res = await curl(`${url}/api/classify`, ...args)
      expect([res.status, res.continued, res.uploaded], args.join(' ')).toEqual([413, false, 0])
      expect(res.json<Failed>().error.code).toBe('FRONTEND_BODY_TOO_LARGE')
      expect(finalHeader(res, 'connection')).toBe('close')
    }
    expect(classifier.hits()).toBe(0)
    const chunked = await curl(`${url}/api/classify`, ...png(file('over-limit.bin')), '-H', 'transfer-encoding: chunked')
    expect([chunked.status, chunked.continued]).toEqual([413, true])
    expect(chunked.json<Failed>().error).toEqual({
      code: 'FRONTEND_BODY_TOO_LARGE', message: `the request body is over ${DEFAULT_MAX_UPLOAD_BYTES} bytes, the limit for POST /api/classify`
    })
  })

  it('answers the client\'s 100-continue itself and never forwards Expect, which undici refuses', async () => {
    const classifier = await startUpstream((app) => {
      app.post('/classify', async (request) => ({ expect: request.headers.expect ?? null, bytes: (request.body as Buffer).length }))
    })
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: classifier.url })
    const res = await curl(`${url}/api/classify`, ...png(TABBY))
    expect([res.status, res.continued]).toEqual([200, true])
    expect(res.json()).toEqual({ expect: null, bytes: TABBY_BYTES })
  })

  it('runs a 5 MB KServe v2 infer request and prime batches up to prime\'s 1 MiB limit', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await startClassifier() })
    const json = (name: string, ...extra: string[]) => ['--data-binary', `@${file(name)}`, '-H', 'content-type: application/json', ...extra]
    const infer = await curl(`${url}/api/classifier/v2/models/mobilenetv2-12-int8/infer`, ...json('infer.json'))
    expect([infer.status, infer.continued]).toEqual([200, true])
    expect(TABBY_CLASSES).toContain(Number(infer.json<{ outputs: Array<{ data: string[] }> }>().outputs[0]?.data[0]?.split(':')[1]))

    const atLimit = await curl(`${url}/api/prime/check`, ...json('batch-at-limit.json', '-H', 'Expect: 100-continue'))
    expect([atLimit.status, atLimit.continued, atLimit.uploaded]).toEqual([200, true, DEFAULT_MAX_PRIME_BODY_BYTES])
    const over = await curl(`${url}/api/prime/check`, ...json('batch-3m.json'))
    expect([over.status, over.continued, over.uploaded]).toEqual([413, false, 0])
    expect(over.json<Failed>().error.code).toBe('FRONTEND_BODY_TOO_LARGE')
  })
})
