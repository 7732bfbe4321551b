import { describe, expect, it } from 'vitest'
import { ARTIFACTS, browserSuite, chromiumFound, openPage } from './browser.js'
import { refusedUrl, startFrontend, startPrime } from './helpers.js'
import { photoPath, startClassifier } from './real-classifier.js'

describe.skipIf(!chromiumFound())('the API docs in Chromium', () => {
  const suite = browserSuite()

  it('renders /docs under the page\'s CSP, lists the public routes, and runs a prime check from it', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await refusedUrl(), PUBLIC_DIR: suite.pageDir })
    const { page, problems } = await openPage(suite.browser, `${url}/docs`)

    const check = page.locator('.opblock', { has: page.locator('.opblock-summary-path', { hasText: /^\/api\/prime\/check\/\{number\}$/ }) })
    await check.waitFor()
    const paths = await page.locator('.opblock-summary-path').allTextContents()
    expect(paths).toContain('/api/prime/check')
    expect(paths.every((p) => p.startsWith('/api/') || p === '/healthz' || p === '/readyz')).toBe(true)

    await check.locator('.opblock-summary').click()
    await check.getByRole('button', { name: 'Try it out' }).click()
    await check.locator('input[placeholder="number"]').fill('97')
    await check.getByRole('button', { name: 'Execute' }).click()
    const body = check.locator('.responses-wrapper .live-responses-table .response-col_description pre')
    await body.first().waitFor()
    expect(await body.first().textContent()).toContain('"is_prime": true')
    await page.screenshot({ path: `${ARTIFACTS}docs.png`, fullPage: false })
    // The classifier is down here: its routes are missing, and the page says so rather than failing.
    expect(await page.locator('.info .description').textContent()).toContain('The classifier service\'s routes are missing')
    expect(problems).toEqual([])
  })

  it('uploads a photo to POST /api/classify from "Try it out" (the classifier documents its multipart body) and shows the answer', async () => {
    const { url } = await startFrontend({ PRIME_URL: await refusedUrl(), CLASSIFIER_URL: await startClassifier(), PUBLIC_DIR: suite.pageDir })
    const { page, problems } = await openPage(suite.browser, `${url}/docs`)

    const classify = page.locator('.opblock', { has: page.locator('.opblock-summary-path', { hasText: /^\/api\/classify$/ }) })
    await classify.waitFor()
    await classify.locator('.opblock-summary').click()
    await classify.getByRole('button', { name: 'Try it out' }).click()
    // Optional with its default: nothing to fill in before Execute.
    await classify.locator('input[type=file]').setInputFiles(await photoPath('goldfish.jpg'))
    await classify.getByRole('button', { name: 'Execute' }).click()
    const body = classify.locator('.responses-wrapper .live-responses-table .response-col_description pre')
    await body.first().waitFor()
    expect(await body.first().textContent()).toContain('"label": "goldfish"')
    expect(problems).toEqual([])
  })
})
