import { beforeAll, describe, expect, it } from 'vitest'
import type { ClassifyResponse, ErrorBody } from '../src/contract.js'
import { animatedGif, decompressionBomb, photoVariants, randomBytes, SVG, truncated } from './fixtures.js'
import { buildApp, classifyRaw } from './helpers.js'
import { photo } from './photos.js'
import { hostileCases, type HostileCase } from './hostile.js'

describe('POST /classify with unusual or bad input', () => {
  let variants: Awaited<ReturnType<typeof photoVariants>>
  let bomb: Buffer
  let hostile: HostileCase[]
  let tiffHalf: Buffer
  beforeAll(async () => {
    variants = await photoVariants('giant-panda.jpg')
    bomb = await decompressionBomb()
    const tiff = variants.TIFF!.body
    tiffHalf = tiff.subarray(0, Math.floor(tiff.length / 2))
    hostile = await hostileCases()
  })

  it('classifies grayscale, CMYK, alpha, 16-bit and palette PNG, WebP, GIF, TIFF, AVIF and EXIF-rotated large JPEG versions of a photo', async () => {
    const app = await buildApp()
    for (const [what, { body, type }] of Object.entries(variants)) {
      const res = await classifyRaw(app, body, type)
      expect(res.statusCode, what).toBe(200)
      expect(res.json<ClassifyResponse>().predictions[0]?.label, what).toBe('giant panda')
    }
  })

  it('takes a raw upload whose content type carries parameters (image/jpeg; name=photo.jpg)', async () => {
    const app = await buildApp()
    const res = await classifyRaw(app, photo('goldfish.jpg'), 'image/jpeg; name=photo.jpg')
    expect(res.statusCode).toBe(200)
    expect(res.json<ClassifyResponse>().predictions[0]?.label).toBe('goldfish')
  })

  it('classifies the first frame of an animated GIF', async () => {
    const app = await buildApp()
    const res = await classifyRaw(app, await animatedGif('giant-panda.jpg', 'volcano.jpg'), 'image/gif')
    expect(res.json<ClassifyResponse>().predictions[0]?.label).toBe('giant panda')
  })

  const cases: Array<[string, () => Buffer, string, number, string]> = [
    ['rejects a truncated JPEG with 400', () => truncated('airliner.jpg'), 'image/jpeg', 400, 'CLASSIFIER_BAD_IMAGE'],
    ['rejects a TIFF cut short with 400 (its signature is accepted, its data broken)', () => tiffHalf, 'image/tiff', 400, 'CLASSIFIER_BAD_IMAGE'],
    ['rejects random bytes with 400', () => randomBytes(20_000), 'image/jpeg', 400, 'CLASSIFIER_BAD_IMAGE'],
    ['refuses SVG with 415 before decoding it', () => SVG, 'image/svg+xml', 415, 'CLASSIFIER_UNSUPPORTED_IMAGE'],
    ['rejects an empty body with 400', () => Buffer.alloc(0), 'image/jpeg', 400, 'CLASSIFIER_MISSING_IMAGE'],
    ['refuses a JSON body with 415', () => Buffer.from('{"image":"cat.jpg"}'), 'application/json', 415, 'CLASSIFIER_UNSUPPORTED_MEDIA_TYPE'],
    ['refuses a text body with 415', () => Buffer.from('a cat'), 'text/plain', 415, 'CLASSIFIER_UNSUPPORTED_MEDIA_TYPE'],
    ['rejects a decompression bomb with 413', () => bomb, 'image/png', 413, 'CLASSIFIER_IMAGE_TOO_LARGE']
  ]
  for (const [name, body, type, status, code] of cases) {
    it(name, async () => {
      const app = await buildApp()
      const res = await classifyRaw(app, body(), type)
      expect(res.statusCode).toBe(status)
      expect(res.json<ErrorBody>().error.code).toBe(code)
      expect(res.json<ErrorBody>().error.message.length).toBeGreaterThan(10)
    })
  }

  it('refuses disguised SVG, other formats, polyglots and headers declaring too many pixels or too much decode memory, each with its 4xx', async () => {
    const app = await buildApp()
    for (const c of hostile) {
      const res = await classifyRaw(app, c.body, c.type)
      expect(res.statusCode, c.name).toBe(c.status)
      expect(res.json<ErrorBody>().error.code, c.name).toBe(c.code)
    }
    // Still serving.
    expect((await classifyRaw(app, photo('goldfish.jpg'))).statusCode).toBe(200)
  })

  it('rejects uploads over MAX_IMAGE_BYTES with 413, as a raw body and as multipart', async () => {
    const app = await buildApp({ MAX_IMAGE_BYTES: '50000' })
    const raw = await classifyRaw(app, photo('airliner.jpg'))
    expect(raw.statusCode).toBe(413)
    expect(raw.json<ErrorBody>().error.code).toBe('CLASSIFIER_IMAGE_TOO_LARGE')
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const form = new FormData()
    form.append('image', new Blob([new Uint8Array(photo('airliner.jpg'))], { type: 'image/jpeg' }), 'airliner.jpg')
    const res = await fetch(`${url}/classify`, { method: 'POST', body: form })
    expect(res.status).toBe(413)
    expect(((await res.json()) as ErrorBody).error.code).toBe('CLASSIFIER_IMAGE_TOO_LARGE')
    // The small photo still passes.
    expect((await classifyRaw(app, photo('goldfish.jpg'))).statusCode).toBe(200)
  })

  it('rejects a multipart upload without the field "image" with 400', async () => {
    const app = await buildApp()
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const form = new FormData()
    form.append('photo', new Blob([new Uint8Array(photo('goldfish.jpg'))], { type: 'image/jpeg' }), 'goldfish.jpg')
    const res = await fetch(`${url}/classify`, { method: 'POST', body: form })
    expect(res.status).toBe(400)
    expect(((await res.json()) as ErrorBody).error.code).toBe('CLASSIFIER_MISSING_IMAGE')
  })

  it('counts refusals by reason in classifier_rejected_requests_total', async () => {
    const app = await buildApp()
    await classifyRaw(app, SVG, 'image/svg+xml')
    await classifyRaw(app, randomBytes(100), 'image/png')
    await classifyRaw(app, bomb, 'image/png')
    const text = (await app.inject('/metrics')).body
    for (const reason of ['unsupported', 'bad_input', 'too_large']) {
      expect(text).toMatch(new RegExp(`classifier_rejected_requests_total\\{reason="${reason}"[^}]*\\} 1`))
    }
  })
})
