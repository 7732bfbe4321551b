import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnChild, waitForListening } from '@inference-stack/kit/child'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ARTIFACTS, browserSuite, chromiumFound, openPage } from './browser.js'
import { startFrontend, startPrime } from './helpers.js'

const CLASSIFIER = fileURLToPath(new URL('../../classifier/src/server.ts', import.meta.url))

/** The real classifier process as `npm start` runs it when no model could be installed. */
async function classifierWithoutModel (): Promise<string> {
  const empty = await mkdtemp(join(tmpdir(), 'page-no-model-'))
  onTestFinished(() => rm(empty, { recursive: true, force: true }))
  const child = spawnChild('classifier', process.execPath, ['--import', 'tsx', CLASSIFIER], {
    env: { PORT: '0', LOG_LEVEL: 'warn', MODEL: 'resnet50-v1-12', MODELS_DIR: empty, MODEL_CACHE_DIR: empty, ON_MISSING_MODEL: 'unready' },
    supervise: true
  })
  onTestFinished(async () => { await child.stop() })
  return await waitForListening(child)
}

describe.skipIf(!chromiumFound())('the page in Chromium when no model is installed', () => {
  const suite = browserSuite()

  it('says in plain words that no model is installed and how to install one, and disables the upload', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await classifierWithoutModel(), PUBLIC_DIR: suite.pageDir })
    const { page, problems } = await openPage(suite.browser, url)

    const status = page.locator('#classifier-status .notice')
    await status.filter({ hasText: 'No model is installed, so image classification is off.' }).waitFor()
    const text = await status.textContent()
    expect(text).toContain('To install it, run npm run models:fetch resnet50-v1-12 (downloads 102.6 MB from github.com, or from MODELS_BASE_URL when set), ' +
      'or set MODELS_DIR to a directory that holds resnet50-v1-12.onnx and imagenet-labels.json')
    expect(text).not.toMatch(/try again|not running/i)

    expect(await page.locator('#image-input').isDisabled()).toBe(true)
    expect(await page.locator('#dropzone').getAttribute('aria-disabled')).toBe('true')
    expect(await page.locator('#dropzone').evaluate((zone) => getComputedStyle(zone).cursor)).toBe('not-allowed')
    // A photo dropped anyway is ignored: no request, no pending line.
    const transfer = await page.evaluateHandle(() => {
      const data = new DataTransfer()
      data.items.add(new File([new Uint8Array([0xff, 0xd8, 0xff])], 'photo.jpg', { type: 'image/jpeg' }))
      return data
    })
    await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: transfer })
    expect(await page.locator('#image-result').textContent()).toBe('')

    // The rest of the page works as usual.
    await page.fill('#prime-input', '97')
    await page.press('#prime-input', 'Enter')
    await page.locator('#prime-result .answer').filter({ hasText: '97 is prime' }).waitFor()
    await page.screenshot({ path: `${ARTIFACTS}page-no-model.png`, fullPage: true })
    // Only the classifier's 503 may show up as a failed request.
    expect(problems.filter((p) => !p.includes('503'))).toEqual([])
  })
})
