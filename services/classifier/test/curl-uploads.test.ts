import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MULTIPART_ALLOWANCE_BYTES } from '@inference-stack/kit'
import { curl } from '../../kit/test/curl.js'
import classifierApp from '../src/app.js'
import { DEFAULT_MAX_IMAGE_BYTES, type ClassifyResponse } from '../src/contract.js'
import { testConfig } from './helpers.js'
import { EXPECTED, IMAGES_DIR } from './photos.js'
import { nearLimitPng } from './near-limit.js'

const TABBY = join(IMAGES_DIR, 'tabby-cat.png')
const GOLDFISH = join(IMAGES_DIR, 'goldfish.jpg')
const tabbyOk = (body: ClassifyResponse) => (EXPECTED['tabby-cat.png']?.accept ?? []).includes(body.predictions[0]?.index ?? -1)

describe('the classifier with the curl binary (Expect: 100-continue above 1 MB)', () => {
  let app: FastifyInstance
  let url: string
  let dir: string
  const file = (name: string) => join(dir, name)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classifier-curl-'))
    await writeFile(file('near-limit.png'), await nearLimitPng(DEFAULT_MAX_IMAGE_BYTES))
    await writeFile(file('over-limit.bin'), Buffer.alloc(DEFAULT_MAX_IMAGE_BYTES + 1))
    await writeFile(file('over-allowance.bin'), Buffer.alloc(DEFAULT_MAX_IMAGE_BYTES + MULTIPART_ALLOWANCE_BYTES))
    const base64 = (await readFile(TABBY)).toString('base64')
    await writeFile(file('infer.json'), JSON.stringify({
      inputs: [{ name: 'input', shape: [1], datatype: 'BYTES', data: [base64] }],
      outputs: [{ name: 'output', parameters: { classification: 1 } }]
    }))
    app = Fastify()
    await app.register(classifierApp, { config: testConfig() })
    url = await app.listen({ host: '127.0.0.1', port: 0 })
    await app.classifier.warmedUp
  })
  afterAll(async () => {
    await app?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('classifies the 3.8 MB tabby PNG sent raw, as the README shows', async () => {
    const res = await curl(`${url}/classify`, '--data-binary', `@${TABBY}`, '-H', 'content-type: image/png')
    expect([res.status, res.continued, res.uploaded]).toEqual([200, true, 3806096])
    expect(tabbyOk(res.json())).toBe(true)
  })

  it('classifies it sent as multipart with -F', async () => {
    const res = await curl(`${url}/classify`, '-F', `image=@${TABBY}`)
    expect([res.status, res.continued]).toEqual([200, true])
    expect(tabbyOk(res.json())).toBe(true)
  })

  it('classifies it sent chunked, and a small photo that curl sends without Expect', async () => {
    const chunked = await curl(`${url}/classify`, '--data-binary', `@${TABBY}`, '-H', 'content-type: image/png', '-H', 'transfer-encoding: chunked')
    expect([chunked.status, chunked.continued]).toEqual([200, true])
    const small = await curl(`${url}/classify`, '--data-binary', `@${GOLDFISH}`, '-H', 'content-type: image/jpeg')
    expect([small.status, small.continued]).toEqual([200, false])
    expect(small.json<ClassifyResponse>().predictions[0]?.label).toBe('goldfish')
  })

  it('takes an image just under MAX_IMAGE_BYTES raw and as multipart', async () => {
    for (const args of [['--data-binary', `@${file('near-limit.png')}`, '-H', 'content-type: image/png'], ['-F', `image=@${file('near-limit.png')}`]]) {
      const res = await curl(`${url}/classify`, ...args)
      expect([res.status, res.continued], args.join(' ')).toEqual([200, true])
      expect(res.json<ClassifyResponse>().predictions).toHaveLength(5)
    }
  })

  it('answers a body over MAX_IMAGE_BYTES with 413 at once, raw or multipart, without receiving it', async () => {
    // A multipart body has room for its part headers: at once means past MAX_IMAGE_BYTES + 64 KiB.
    for (const args of [['--data-binary', `@${file('over-limit.bin')}`, '-H', 'content-type: image/png'], ['-F', `image=@${file('over-allowance.bin')}`]]) {
      const res = await curl(`${url}/classify`, ...args)
      expect([res.status, res.continued, res.uploaded], args.join(' ')).toEqual([413, false, 0])
      expect(res.json<{ error: { code: string } }>().error.code).toBe('CLASSIFIER_IMAGE_TOO_LARGE')
    }
  })

  it('answers a multipart file one byte over MAX_IMAGE_BYTES with 413 once it has read that far', async () => {
    const res = await curl(`${url}/classify`, '-F', `image=@${file('over-limit.bin')}`)
    expect([res.status, res.continued]).toEqual([413, true])
    expect(res.json<{ error: { code: string } }>().error.code).toBe('CLASSIFIER_IMAGE_TOO_LARGE')
  })

  it('answers a chunked body over MAX_IMAGE_BYTES with 413 once it passes the limit', async () => {
    const res = await curl(`${url}/classify`, '--data-binary', `@${file('over-limit.bin')}`, '-H', 'content-type: image/png', '-H', 'transfer-encoding: chunked')
    expect([res.status, res.continued]).toEqual([413, true])
    expect(res.json<{ error: { code: string } }>().error.code).toBe('CLASSIFIER_IMAGE_TOO_LARGE')
  })

  it('runs a 5 MB KServe v2 infer request of a base64 PNG', async () => {
    const res = await curl(`${url}/v2/models/mobilenetv2-12-int8/infer`, '--data-binary', `@${file('infer.json')}`, '-H', 'content-type: application/json')
    expect([res.status, res.continued]).toEqual([200, true])
    const index = Number(res.json<{ outputs: Array<{ data: string[] }> }>().outputs[0]?.data[0]?.split(':')[1])
    expect(EXPECTED['tabby-cat.png']?.accept).toContain(index)
  })
})
