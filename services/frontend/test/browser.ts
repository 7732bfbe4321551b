import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import { CHROMIUM, launchChromium } from './chromium.js'
import { buildPage } from './helpers.js'

/** Screenshots go to <repo>/artifacts (gitignored; CI keeps it). */
export const ARTIFACTS = fileURLToPath(new URL('../../../artifacts/', import.meta.url))

/**
 * Whether Debian's Chromium is installed. Missing in CI is an error; elsewhere the
 * browser tests are skipped with a message.
 */
export function chromiumFound (): boolean {
  if (existsSync(CHROMIUM)) return true
  const message = `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`
  if (process.env.CI === 'true') throw new Error(`${message}; CI must run the browser tests`)
  console.warn(`skipping the browser tests: ${message}`)
  return false
}

export async function launchBrowser (): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true })
  return await launchChromium()
}

/**
 * For a browser test file: builds the page into a temp dir and launches Chromium
 * before its tests, closes and removes both after them.
 */
export function browserSuite (): { readonly browser: Browser, readonly pageDir: string } {
  let browser: Browser | undefined
  let built: ReturnType<typeof buildPage> | undefined
  beforeAll(async () => {
    built = buildPage()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await built?.remove()
  })
  return {
    get browser () { if (browser === undefined) throw new Error('Chromium is not launched yet'); return browser },
    get pageDir () { if (built === undefined) throw new Error('the page is not built yet'); return built.dir }
  }
}

/** Opens the page and records console errors and page errors (CSP violations show up there). */
export async function openPage (browser: Browser, url: string, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport })
  onTestFinished(() => page.close())
  const problems: string[] = []
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()) })
  page.on('pageerror', (err) => problems.push(err.message))
  await page.goto(url)
  return { page, problems }
}
