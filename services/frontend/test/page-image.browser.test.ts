import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { ARTIFACTS, browserSuite, chromiumFound, openPage } from './browser.js'
import { startFrontend, startPrime } from './helpers.js'
import { photoPath, startClassifier } from './real-classifier.js'

/** Waits for the top-5 list and returns its labels and percentages as shown. */
async function predictions (page: Page): Promise<Array<{ label: string, pct: number }>> {
  const items = page.locator('#image-result .predictions li')
  await items.first().waitFor()
  return await items.evaluateAll((lis) => lis.map((li) => ({
    label: li.querySelector('.label')?.textContent ?? '',
    pct: Number.parseFloat(li.querySelector('.pct')?.textContent ?? 'NaN')
  })))
}

describe.skipIf(!chromiumFound())('the image section in Chromium, with the real classifier', () => {
  const suite = browserSuite()
  let url: string

  it('classifies a photo chosen with the file picker and shows the top 5 with bars and timings', async () => {
    ({ url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await startClassifier(), PUBLIC_DIR: suite.pageDir }))
    const { page, problems } = await openPage(suite.browser, url)
    await page.locator('#classifier-status').filter({ hasText: 'mobilenetv2-12-int8 on CPU' }).waitFor()

    await page.setInputFiles('#image-input', await photoPath('siamese-cat.jpg'))
    const top = await predictions(page)
    expect(top).toHaveLength(5)
    expect(top[0]?.label).toBe('Siamese cat')
    expect(top.map((p) => p.pct)).toEqual([...top.map((p) => p.pct)].sort((a, b) => b - a))
    expect(await page.locator('#image-result .answer').textContent()).toBe('Most likely: Siamese cat')
    expect(await page.locator('#image-result .facts').textContent()).toMatch(/^mobilenetv2-12-int8 · server [\d.]+ ms \(decode .*\) · round trip [\d.,]+ ms · upload 44 KB as is \(small enough\)$/)
    expect(await page.locator('#preview').isVisible()).toBe(true)

    await page.fill('#prime-input', '1000000007')
    await page.press('#prime-input', 'Enter')
    await page.locator('#prime-result .answer').filter({ hasText: '1000000007 is prime' }).waitFor()
    await page.screenshot({ path: `${ARTIFACTS}page-image.png`, fullPage: true })
    expect(problems).toEqual([])
  })

  it('classifies a PNG dropped onto the drop zone, and explains a file that is not an image', async () => {
    ({ url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await startClassifier(), PUBLIC_DIR: suite.pageDir }))
    const { page } = await openPage(suite.browser, url, { width: 390, height: 844 })
    const png = (await readFile(await photoPath('king-penguin-alpha.png'))).toString('base64')

    const drop = async (name: string, type: string, base64: string) => {
      const dataTransfer = await page.evaluateHandle(({ name, type, base64 }) => {
        const transfer = new DataTransfer()
        transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }))
        return transfer
      }, { name, type, base64 })
      await page.dispatchEvent('#dropzone', 'drop', { dataTransfer })
    }

    await drop('king-penguin-alpha.png', 'image/png', png)
    expect((await predictions(page))[0]?.label).toBe('King penguin')
    await page.screenshot({ path: `${ARTIFACTS}page-image-phone.png`, fullPage: true })

    await drop('notes.pdf', 'application/pdf', Buffer.from('%PDF-1.4').toString('base64'))
    const notice = page.locator('#image-result .notice-error')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('“notes.pdf” is not an image')
    expect(await page.locator('#preview').isHidden()).toBe(true)
  })

  it('shows the classifier’s 400 for a truncated JPEG in words', async () => {
    ({ url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await startClassifier(), PUBLIC_DIR: suite.pageDir }))
    const { page } = await openPage(suite.browser, url)
    const jpeg = await readFile(await photoPath('daisy.jpg'))
    await page.setInputFiles('#image-input', { name: 'daisy-cut.jpg', mimeType: 'image/jpeg', buffer: jpeg.subarray(0, 4000) })
    const notice = page.locator('#image-result .notice-error')
    await notice.waitFor()
    expect(await notice.textContent()).toMatch(/^The image could not be read: \S/)
  })
})
