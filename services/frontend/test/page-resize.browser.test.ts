import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { testImagesDir } from '@inference-stack/test-assets'
import { describe, expect, it, onTestFinished } from 'vitest'
import { browserSuite, chromiumFound, openPage } from './browser.js'
import { startFrontend, startPrime } from './helpers.js'
import { classifyInPage, type ClassifyBody } from './page-upload.js'
import { startClassifier } from './real-classifier.js'
import { startUploadTap } from './upload-tap.js'

/** The classifier's answer for a file uploaded as it is (what curl or a page without resizing sends). */
async function fullSizeAnswer (url: string, name: string, bytes: Buffer): Promise<ClassifyBody> {
  const form = new FormData()
  form.append('image', new Blob([new Uint8Array(bytes)]), name)
  const res = await fetch(`${url}/api/classify?topk=5`, { method: 'POST', body: form })
  expect(res.status).toBe(200)
  return await res.json() as ClassifyBody
}

describe.skipIf(!chromiumFound())('resizing in the page before upload, in Chromium with the real classifier', () => {
  const suite = browserSuite()

  it('gives every test photo the same top-1 label as its full-size upload, sending the large ones shrunk', async () => {
    const tap = await startUploadTap(await startClassifier())
    onTestFinished(tap.close)
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: tap.url, PUBLIC_DIR: suite.pageDir })
    const { page, problems } = await openPage(suite.browser, url)
    await page.locator('#classifier-status').filter({ hasText: 'on CPU' }).waitFor()

    const photos = (await readdir(await testImagesDir())).filter((name) => /\.(jpe?g|png)$/i.test(name)).sort()
    expect(photos.length).toBeGreaterThanOrEqual(10)
    const rows: string[] = []
    let maxDelta = 0
    for (const name of photos) {
      const original = await readFile(join(await testImagesDir(), name))
      const full = await fullSizeAnswer(url, name, original)
      const shown = await classifyInPage(page, tap, join(await testImagesDir(), name))
      expect(shown.status).toBe(200)
      const [want, got] = [full.predictions[0], shown.answer.predictions[0]]
      expect(got?.label, `${name}: top-1 through the page (${shown.shown})`).toBe(want?.label)
      const delta = Math.abs((got?.probability ?? 0) - (want?.probability ?? 0))
      maxDelta = Math.max(maxDelta, delta)
      const meta = await sharp(shown.sent.bytes).metadata()
      rows.push(`${name.padEnd(28)} ${String(original.length).padStart(8)} B -> ${String(shown.sent.bytes.length).padStart(8)} B ` +
        `${meta.format} ${meta.width}x${meta.height}  ${want?.label} ${want?.probability.toFixed(4)} -> ${got?.probability.toFixed(4)}`)
    }
    console.log(`top-1 of full-size uploads vs. page uploads (max |delta p| ${maxDelta.toFixed(4)}):\n${rows.join('\n')}`)
    expect(problems).toEqual([])
  })

  it('shrinks the 5360x3560 photo to a JPEG with a short side of three times the model’s 256 and says so in the timing line', async () => {
    const tap = await startUploadTap(await startClassifier())
    onTestFinished(tap.close)
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: tap.url, PUBLIC_DIR: suite.pageDir })
    const { page } = await openPage(suite.browser, url)
    await page.locator('#classifier-status').filter({ hasText: 'on CPU' }).waitFor()

    const big = await classifyInPage(page, tap, join(await testImagesDir(), 'domestic-cat-5360x3560.jpg'))
    expect(big.shown).toMatch(/ · round trip [\d.,]+ ms · upload 746 KB → \d+ KB \(5360×3560 → 1156×768 in [\d.,]+ ms\)$/)
    expect(big.sent).toMatchObject({ name: 'domestic-cat-5360x3560.jpg', type: 'image/jpeg' })
    expect(await sharp(big.sent.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 1156, height: 768 })
    expect(big.sent.bytes.length).toBeLessThan(200 * 1024)

    const png = await classifyInPage(page, tap, join(await testImagesDir(), 'tabby-cat.png'))
    expect(png.shown).toMatch(/ · upload 3\.6 MB → \d+ KB \(2500×1667 → 1152×768 in [\d.,]+ ms\)$/)
    expect(png.sent.bytes.length).toBeLessThan(200 * 1024)
  })

  it('sends a small JPEG byte for byte as it is', async () => {
    const tap = await startUploadTap(await startClassifier())
    onTestFinished(tap.close)
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: tap.url, PUBLIC_DIR: suite.pageDir })
    const { page } = await openPage(suite.browser, url)
    await page.locator('#classifier-status').filter({ hasText: 'on CPU' }).waitFor()

    const small = await classifyInPage(page, tap, join(await testImagesDir(), 'siamese-cat.jpg'))
    expect(small.shown).toMatch(/ · upload 44 KB as is \(small enough\)$/)
    expect(small.sent).toMatchObject({ name: 'siamese-cat.jpg', type: 'image/jpeg' })
    expect(small.sent.bytes.equals(await readFile(join(await testImagesDir(), 'siamese-cat.jpg')))).toBe(true)
  })

  it('flattens a transparent PNG onto white, as the classifier does, when it re-encodes it', async () => {
    const tap = await startUploadTap(await startClassifier())
    onTestFinished(tap.close)
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: tap.url, PUBLIC_DIR: suite.pageDir })
    const { page } = await openPage(suite.browser, url)
    await page.locator('#classifier-status').filter({ hasText: 'on CPU' }).waitFor()

    const original = await readFile(join(await testImagesDir(), 'king-penguin-alpha.png'))
    const corner = { left: 0, top: 0, width: 8, height: 8 }
    const { data: before } = await sharp(original).extract(corner).raw().toBuffer({ resolveWithObject: true })
    expect(Math.max(...before.filter((_, i) => i % 4 === 3)), 'the fixture’s corners are transparent').toBe(0)

    const shown = await classifyInPage(page, tap, join(await testImagesDir(), 'king-penguin-alpha.png'))
    expect(shown.shown).toMatch(/ · upload 529 KB → \d+ KB \(500×375 → 500×375 in [\d.,]+ ms\)$/)
    const sent = sharp(shown.sent.bytes)
    expect(await sent.metadata()).toMatchObject({ format: 'jpeg', width: 500, height: 375, hasAlpha: false })
    const { data: after } = await sent.extract(corner).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    expect(Math.min(...after)).toBeGreaterThanOrEqual(250)
    expect(shown.answer.predictions[0]?.label).toBe('king penguin')
  })
})
