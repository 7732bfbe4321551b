import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Backend } from '../lib/cases.js'
import { SETTINGS } from '../lib/settings.js'
import { corpusImages, paddedJpeg } from './images.js'

/** A request made with the curl binary, as a user types it. */
export interface CurlCase {
  name: string
  service: Backend
  /** The path on the service; through the frontend its public one. */
  path: string
  args: string[]
  status: number
  /** The error code (any of them: who refuses first differs by path), or none for a 200. */
  codes?: string[]
  /** The answer came before curl sent the body (Expect: 100-continue honoured). */
  bodyUnsent?: boolean
}

/** Writes the files the curl cases send into `dir`, and returns the cases. */
export async function curlCases (dir: string): Promise<CurlCase[]> {
  await mkdir(dir, { recursive: true })
  const img = await corpusImages()
  const file = (name: string) => join(dir, name)
  await writeFile(file('photo.jpg'), img.jpeg)
  // Over by more than the multipart allowance (64 KiB for part headers), so a declared length
  // tells the server before the body is sent, multipart or not (the corpus has the file over by one byte).
  await writeFile(file('over-limit.jpg'), paddedJpeg(img.jpeg, SETTINGS.classifier.MAX_IMAGE_BYTES + 1024 * 1024))
  const batch = Buffer.alloc(SETTINGS.frontend.MAX_PRIME_BODY_BYTES + 1, 0x20)
  batch.write('{"numbers":["97"]}', 0)
  await writeFile(file('over-limit.json'), batch)
  const imageTooLarge = ['CLASSIFIER_IMAGE_TOO_LARGE', 'FRONTEND_BODY_TOO_LARGE']
  const chunked = ['-H', 'Transfer-Encoding: chunked']
  return [
    { name: 'curl -F image=@photo.jpg', service: 'classifier', path: '/classify', args: ['-F', `image=@${file('photo.jpg')}`], status: 200 },
    { name: 'curl --data-binary @photo.jpg, chunked', service: 'classifier', path: '/classify', args: ['--data-binary', `@${file('photo.jpg')}`, '-H', 'Content-Type: image/jpeg', ...chunked], status: 200 },
    { name: 'curl --http1.0 GET /check/97', service: 'prime', path: '/check/97', args: ['--http1.0'], status: 200 },
    { name: 'curl --data-binary of a file over the limit (Expect: 100-continue)', service: 'classifier', path: '/classify', args: ['--data-binary', `@${file('over-limit.jpg')}`, '-H', 'Content-Type: image/jpeg'], status: 413, codes: imageTooLarge, bodyUnsent: true },
    { name: 'curl -F of a file over the limit', service: 'classifier', path: '/classify', args: ['-F', `image=@${file('over-limit.jpg')}`], status: 413, codes: imageTooLarge, bodyUnsent: true },
    { name: 'curl --data-binary of a file over the limit, chunked', service: 'classifier', path: '/classify', args: ['--data-binary', `@${file('over-limit.jpg')}`, '-H', 'Content-Type: image/jpeg', ...chunked], status: 413, codes: imageTooLarge },
    { name: 'curl -F of a file over the limit, chunked', service: 'classifier', path: '/classify', args: ['-F', `image=@${file('over-limit.jpg')}`, ...chunked], status: 413, codes: imageTooLarge },
    { name: 'curl -d of a batch over 1 MiB', service: 'prime', path: '/check', args: ['--data-binary', `@${file('over-limit.json')}`, '-H', 'Content-Type: application/json'], status: 413, codes: ['PRIME_BODY_TOO_LARGE', 'FRONTEND_BODY_TOO_LARGE'], bodyUnsent: true },
    { name: 'curl -d of a batch over 1 MiB, chunked', service: 'prime', path: '/check', args: ['--data-binary', `@${file('over-limit.json')}`, '-H', 'Content-Type: application/json', ...chunked], status: 413, codes: ['PRIME_BODY_TOO_LARGE', 'FRONTEND_BODY_TOO_LARGE'] }
  ]
}
