import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { ARTIFACTS, browserSuite, chromiumFound, openPage } from './browser.js'
import { refusedUrl, startFrontend, startPrime } from './helpers.js'

async function check (page: Page, number: string, expected: string): Promise<void> {
  await page.fill('#prime-input', number)
  await page.press('#prime-input', 'Enter')
  await page.locator('#prime-result .answer').filter({ hasText: expected }).waitFor()
}

describe.skipIf(!chromiumFound())('the page in Chromium', () => {
  const suite = browserSuite()

  it('checks 97, 2^89-1 and 91 through the real prime service and shows the right answers', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await refusedUrl(), PUBLIC_DIR: suite.pageDir })
    const { page, problems } = await openPage(suite.browser, url)

    await check(page, '97', '97 is prime')
    await check(page, '618970019642690137449562111', '618970019642690137449562111 is prime')
    await check(page, '91', '91 is not prime — divisible by 7')
    expect(await page.locator('#prime-result').getAttribute('aria-live')).toBe('polite')

    // The classifier is down here: the page says so in words instead of failing silently.
    await page.locator('#classifier-status').filter({ hasText: 'image classification is unavailable' }).waitFor()
    await page.screenshot({ path: `${ARTIFACTS}page.png`, fullPage: true })
    // Only the deliberately refused classifier may show up as a failed request.
    expect(problems.filter((p) => !p.includes('503'))).toEqual([])
  })

  it('explains bad input in words and fits a phone screen', async () => {
    const { url } = await startFrontend({ PRIME_URL: await startPrime(), CLASSIFIER_URL: await refusedUrl(), PUBLIC_DIR: suite.pageDir })
    const { page } = await openPage(suite.browser, url, { width: 390, height: 844 })

    await page.fill('#prime-input', '12a')
    await page.press('#prime-input', 'Enter')
    const notice = page.locator('#prime-result .notice-error')
    await notice.waitFor()
    expect(await notice.textContent()).toMatch(/^That is not a number the checker accepts: .*12a/)

    await page.getByRole('button', { name: '2 to the power of 127, minus 1' }).click()
    await page.locator('#prime-result .answer').filter({ hasText: 'is prime' }).waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBe(0)
    await page.screenshot({ path: `${ARTIFACTS}page-phone.png`, fullPage: true })
  })
})
