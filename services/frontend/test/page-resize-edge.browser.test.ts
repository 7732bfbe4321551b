import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { describe, expect, it, onTestFinished } from 'vitest'
import { browserSuite, chromiumFound, openPage } from './browser.js'
import { startFrontend, startPrime } from './helpers.js'
import { classifyInPage } from './page-upload.js'
import { photoPath, startClassifier } from './real-classifier.js'
import { startUploadTap } from './upload-tap.js'

/** Mean absolute difference per channel value of two raw RGB images of one size. */
function meanDifference (a: Buffer, b: Buffer): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0))
  return sum / a.length
}

describe.skipIf(!chromiumFound())('resizing in the page: orientation, formats Chromium cannot decode, the pixel limit', () => {
  const suite = browserSuite()

  async function open (classifierEnv: Record<string, string> = {}) {
    const tap = await startUploadTap(await startClassifier(classifierEnv))
    onTestFinished(tap.close)
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: tap.url, PUBLIC_DIR: suite.pageDir })
    const { page, problems } = await openPage(suite.browser, url)
    await page.locator('#classifier-status').filter({ hasText: 'on CPU' }).waitFor()
    return { tap, url, page, problems }
  }

  it('applies the EXIF orientation of a phone photo before shrinking it, as the classifier does', async () => {
    const { tap, page } = await open()
    // Pixels stored sideways (1600x2400) with EXIF orientation 8: upright, it is 2400x1600.
    const upright = await sharp(await readFile(await photoPath('domestic-cat-5360x3560.jpg'))).resize(2400, 1600).jpeg({ quality: 92 }).toBuffer()
    const sideways = await sharp(upright).rotate(90).jpeg({ quality: 92 }).withMetadata({ orientation: 8 }).toBuffer()
    expect(await sharp(sideways).metadata()).toMatchObject({ width: 1600, height: 2400, orientation: 8 })

    const shown = await classifyInPage(page, tap, { name: 'phone.jpg', mimeType: 'image/jpeg', buffer: sideways })
    expect(shown.shown).toMatch(/ · upload \d+ KB → \d+ KB \(2400×1600 → 1152×768 in [\d.,]+ ms\)$/)
    const sent = await sharp(shown.sent.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    expect(sent.info).toMatchObject({ width: 1152, height: 768 })
    const reference = await sharp(upright).resize(1152, 768).raw().toBuffer()
    const upsideDown = await sharp(upright).rotate(180).resize(1152, 768).raw().toBuffer()
    expect(meanDifference(sent.data, reference)).toBeLessThan(6)
    expect(meanDifference(sent.data, upsideDown)).toBeGreaterThan(20)
  })

  it('sends a TIFF as it is, since Chromium cannot decode one, and the classifier reads it', async () => {
    const { tap, page } = await open()
    const tiff = await sharp(await readFile(await photoPath('tabby-cat.png'))).tiff({ compression: 'lzw' }).toBuffer()
    const shown = await classifyInPage(page, tap, { name: 'tabby.tiff', mimeType: 'image/tiff', buffer: tiff })
    expect(shown.status).toBe(200)
    expect(shown.shown).toMatch(/ · upload [\d.]+ MB as is \(this browser cannot decode TIFF\)$/)
    expect(shown.sent.bytes.equals(tiff)).toBe(true)
    expect(shown.answer.predictions[0]?.label).toBe('tiger cat')
  })

  it('sends a photo over the classifier’s pixel limit as it is, so the user sees the classifier’s 413', async () => {
    const { tap, page, problems } = await open({ MAX_INPUT_PIXELS: '10000000' })
    const shown = await classifyInPage(page, tap, await photoPath('domestic-cat-5360x3560.jpg'))
    expect(shown.status).toBe(413)
    expect(shown.sent.bytes.equals(await readFile(await photoPath('domestic-cat-5360x3560.jpg')))).toBe(true)
    expect(shown.shown).toBe('The image is too large: Image is 5360x3560 = 19081600 pixels; the limit is 10000000 (MAX_INPUT_PIXELS).')
    expect(problems.filter((p) => !p.includes('413'))).toEqual([])
  })

  it('leaves a BMP, which the classifier cannot read, to the classifier’s answer instead of converting it', async () => {
    const { tap, page } = await open()
    const bmp = bmpFile(640, 640)
    const shown = await classifyInPage(page, tap, { name: 'square.bmp', mimeType: 'image/bmp', buffer: bmp })
    expect(shown.status).toBe(415)
    expect(shown.sent.bytes.equals(bmp)).toBe(true)
    expect(shown.shown).toMatch(/^This file type is not supported: .*BMP/)
  })
})

/** A 24-bit uncompressed BMP, grey, that every browser decodes. */
function bmpFile (width: number, height: number): Buffer {
  const row = Math.ceil(width * 3 / 4) * 4
  const file = Buffer.alloc(54 + row * height, 0x80)
  file.write('BM', 0, 'latin1')
  file.writeUInt32LE(file.length, 2)
  file.writeUInt32LE(0, 6)
  file.writeUInt32LE(54, 10)
  file.writeUInt32LE(40, 14)
  file.writeInt32LE(width, 18)
  file.writeInt32LE(height, 22)
  file.writeUInt16LE(1, 26)
  file.writeUInt16LE(24, 28)
  file.writeUInt32LE(0, 30)
  file.writeUInt32LE(row * height, 34)
  file.fill(0, 38, 54)
  return file
}
