import type { Page } from 'playwright-core'
import { uploadedImage, type UploadTap } from './upload-tap.js'

/** A file for the page's picker: a path, or bytes with a name and type. */
export type PickedFile = string | { name: string, mimeType: string, buffer: Buffer }

export interface ClassifyBody { predictions: Array<{ index: number, label: string, probability: number }> }

export interface PageUpload {
  status: number
  answer: ClassifyBody
  /** What the page sent, as the classifier received it. */
  sent: { name: string, type: string, bytes: Buffer }
  /** The result's timing line, or the error notice's text. */
  shown: string
}

/**
 * Chooses a file in the page's picker and waits for the classifier's answer and
 * the result the page shows; the tap in front of the classifier sees what was sent.
 */
export async function classifyInPage (page: Page, tap: UploadTap, file: PickedFile): Promise<PageUpload> {
  const before = tap.uploads.length
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/classify')
  await page.setInputFiles('#image-input', file)
  const answer = await response
  const shown = page.locator('#image-result .facts, #image-result .notice-error')
  await shown.waitFor()
  const upload = tap.uploads[before]
  if (upload === undefined) throw new Error('the page\'s upload never reached the classifier')
  return { status: answer.status(), answer: await answer.json() as ClassifyBody, sent: await uploadedImage(upload), shown: await shown.textContent() ?? '' }
}
