import { gzipSync } from 'node:zlib'
import { hostileCases } from '@inference-stack/test-assets'
import type { Case, Expectation } from '../lib/cases.js'
import { head } from '../lib/raw-http.js'
import { SETTINGS } from '../lib/settings.js'
import { corpusImages, paddedJpeg, truncated } from './images.js'

const BAD = 'CLASSIFIER_BAD_IMAGE'
const UNSUPPORTED = 'CLASSIFIER_UNSUPPORTED_IMAGE'
const TOO_LARGE = 'CLASSIFIER_IMAGE_TOO_LARGE'
const MISSING = 'CLASSIFIER_MISSING_IMAGE'
const MEDIA_TYPE = 'CLASSIFIER_UNSUPPORTED_MEDIA_TYPE'
const MULTIPART = 'CLASSIFIER_BAD_MULTIPART'
const QUERY = 'CLASSIFIER_BAD_REQUEST'
const FRONTEND_TOO_LARGE = 'FRONTEND_BODY_TOO_LARGE'
const LIMIT = SETTINGS.classifier.MAX_IMAGE_BYTES

/** A classification answered: predictions, as many as asked. */
const classified = (topk = 5): Expectation => ({
  status: 200,
  shape: 'ok',
  check: (body) => {
    const predictions = (body as { predictions?: unknown[] }).predictions
    return Array.isArray(predictions) && predictions.length === topk ? undefined : `expected ${topk} predictions, got ${JSON.stringify(predictions)?.slice(0, 80)}`
  }
})
const refused = (status: number, code: string): Expectation => ({ status, code, shape: 'kit' })

const raw = (name: string, body: Buffer, type: string, expect: Expectation, extra: Partial<Case> = {}): Case =>
  ({ name, service: 'classifier', method: 'POST', path: '/classify', headers: [['Content-Type', type]], body, expect, ...extra })

/** A multipart/form-data body from parts written out (headers and content), with `boundary`. */
function form (boundary: string, parts: Array<{ headers: string[], content: Buffer | string }>, close = true): Buffer {
  const chunks: Buffer[] = []
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`), Buffer.from(part.content), Buffer.from('\r\n'))
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}
const imagePart = (content: Buffer, name = 'image', type = 'image/jpeg') =>
  ({ headers: [`Content-Disposition: form-data; name="${name}"; filename="upload.jpg"`, `Content-Type: ${type}`], content })
const B = 'faultsuiteboundary'
const multipart = (name: string, body: Buffer, expect: Expectation, extra: Partial<Case> = {}, type = `multipart/form-data; boundary=${B}`): Case =>
  raw(name, body, type, expect, extra)

const query = (name: string, q: string, expect: Expectation, jpeg: Buffer): Case =>
  ({ ...raw(name, jpeg, 'image/jpeg', expect), path: `/classify?${q}` })

/**
 * Uploads to POST /classify: hostile images (lying headers, disguised markup), broken and unusual
 * images in every accepted format, every framing of the body (length, chunked, Expect,
 * multipart), and query values. Each goes to the classifier and through the frontend.
 */
export async function uploadCases (): Promise<Case[]> {
  const img = await corpusImages()
  const overLimit = paddedJpeg(img.jpeg, LIMIT + 1)
  const hostile = (await hostileCases()).map((h) => raw(`hostile: ${h.name}`, h.body, h.type, refused(h.status, h.code)))
  return [
    ...hostile,
    // Broken images, one per format, and bytes that are no image.
    raw('a JPEG cut in half', truncated(img.jpeg), 'image/jpeg', refused(400, BAD)),
    raw('a JPEG of its first 20 bytes', truncated(img.jpeg, 20 / img.jpeg.length), 'image/jpeg', refused(400, BAD)),
    raw('a PNG cut in half', truncated(img.png), 'image/png', refused(400, BAD)),
    raw('a PNG with corrupted image data', img.corruptPng, 'image/png', refused(400, BAD)),
    raw('a WebP cut in half', truncated(img.webp), 'image/webp', refused(400, BAD)),
    raw('a GIF cut to a third', truncated(img.gif, 0.3), 'image/gif', refused(400, BAD)),
    raw('an AVIF cut in half', truncated(img.avif), 'image/avif', refused(400, BAD)),
    raw('a TIFF cut in half', truncated(img.tiff), 'image/tiff', refused(400, BAD)),
    raw('random bytes labelled image/jpeg', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff)), 'image/jpeg', refused(400, BAD)),
    raw('one byte', Buffer.from([0xff]), 'image/jpeg', refused(400, BAD)),
    raw('an empty body', Buffer.alloc(0), 'image/jpeg', refused(400, MISSING)),
    raw('plain text labelled image/png', Buffer.from('hello, this is not an image\n'), 'image/png', refused(400, BAD)),
    raw('a JPEG 2000 signature', Buffer.concat([Buffer.from('0000000c6a5020200d0a870a', 'hex'), Buffer.alloc(200)]), 'image/jp2', refused(400, BAD)),
    raw('an ICO file', Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0]), Buffer.alloc(200)]), 'image/x-icon', refused(400, BAD)),
    raw('a PNG with a zTXt chunk inflating to 64 MiB', img.pngTextBomb, 'image/png', classified()),
    raw('a JPEG with a garbage ICC profile', img.badIccJpeg, 'image/jpeg', classified()),
    raw('a 1 x 4000 PNG sliver (256 x 1,024,000 once resized)', img.sliver, 'image/png', classified()),
    // Unusual but real images: answered like any photo.
    raw('a 1 x 1 JPEG', img.tinyJpeg, 'image/jpeg', classified()),
    raw('a 1 x 1 transparent PNG', img.tinyPngAlpha, 'image/png', classified()),
    raw('a 16-bit PNG', img.png16, 'image/png', classified()),
    raw('a greyscale JPEG', img.grey, 'image/jpeg', classified()),
    raw('a CMYK JPEG', img.cmyk, 'image/jpeg', classified()),
    raw('an animated GIF', img.animatedGif, 'image/gif', classified()),
    raw('an animated WebP', img.animatedWebp, 'image/webp', classified()),
    raw('a JPEG with EXIF orientation 8', img.rotatedJpeg, 'image/jpeg', classified()),
    raw('a TIFF', img.tiff, 'image/tiff', classified()),
    raw('an AVIF', img.avif, 'image/avif', classified()),
    raw('a WebP sent as application/octet-stream', img.webp, 'application/octet-stream', classified()),
    // Content types and encodings.
    raw('a JPEG sent as text/plain', img.jpeg, 'text/plain', refused(415, MEDIA_TYPE)),
    raw('a JPEG sent as application/json', img.jpeg, 'application/json', refused(415, MEDIA_TYPE)),
    raw('a JPEG sent as application/x-www-form-urlencoded', img.jpeg, 'application/x-www-form-urlencoded', refused(415, MEDIA_TYPE)),
    raw('a JPEG sent as "image/jpeg; name=photo.jpg" (a parameter)', img.jpeg, 'image/jpeg; name=photo.jpg', classified()),
    { ...raw('a JPEG without a content type', img.jpeg, '', refused(415, MEDIA_TYPE)), headers: [] },
    raw('a gzip-encoded JPEG (Content-Encoding: gzip)', img.jpeg, 'image/jpeg', refused(415, UNSUPPORTED), { headers: [['Content-Type', 'image/jpeg'], ['Content-Encoding', 'gzip']], body: gzipSync(img.jpeg) }),
    // Framings of a raw body.
    raw('a JPEG sent chunked', img.jpeg, 'image/jpeg', classified(), { framing: 'chunked' }),
    raw('a JPEG announced with Expect: 100-continue', img.jpeg, 'image/jpeg', classified(), { framing: 'expect' }),
    raw('a body over the limit by one byte (Content-Length)', overLimit, 'image/jpeg', refused(413, TOO_LARGE), { frontend: { code: FRONTEND_TOO_LARGE } }),
    raw('a body over the limit announced with Expect: 100-continue', overLimit, 'image/jpeg', { ...refused(413, TOO_LARGE), noContinue: true }, { framing: 'expect', frontend: { code: FRONTEND_TOO_LARGE } }),
    raw('a chunked body over the limit', overLimit, 'image/jpeg', refused(413, TOO_LARGE), { framing: 'chunked', frontend: { code: FRONTEND_TOO_LARGE } }),
    raw('a body at the limit exactly (a JPEG padded after its end)', paddedJpeg(img.jpeg, LIMIT), 'image/jpeg', classified()),
    {
      // Whichever 400 comes first: the half image's, or the one for the rest, which is no request.
      ...raw('a Content-Length shorter than the body (the rest is no request)', img.jpeg, 'image/jpeg', { status: 400, shape: 'kit', closes: true }),
      raw: (path, host) => [head('POST', path, [['Host', host], ['Content-Type', 'image/jpeg'], ['Content-Length', String(img.jpeg.length >> 1)]]), img.jpeg]
    },
    // Multipart bodies.
    multipart('a multipart upload', form(B, [imagePart(img.jpeg)]), classified()),
    multipart('a multipart upload sent chunked', form(B, [imagePart(img.jpeg)]), classified(), { framing: 'chunked' }),
    multipart('a multipart upload with a text field before the image', form(B, [{ headers: ['Content-Disposition: form-data; name="note"'], content: 'hello' }, imagePart(img.png, 'image', 'image/png')]), classified()),
    multipart('a multipart upload without a boundary', form(B, [imagePart(img.jpeg)]), refused(400, MULTIPART), {}, 'multipart/form-data'),
    multipart('a multipart upload with the wrong boundary', form(B, [imagePart(img.jpeg)]), refused(400, MULTIPART), {}, 'multipart/form-data; boundary=someotherboundary'),
    multipart('a multipart upload cut off before its closing boundary', truncated(form(B, [imagePart(img.jpeg)], false), 0.7), refused(400, MULTIPART)),
    multipart('a multipart upload with no closing boundary', form(B, [imagePart(img.jpeg)], false), refused(400, MULTIPART)),
    multipart('a multipart file in a field other than "image"', form(B, [imagePart(img.jpeg, 'file')]), refused(400, MISSING)),
    multipart('a multipart body with only a text field', form(B, [{ headers: ['Content-Disposition: form-data; name="image"'], content: 'not a file' }]), refused(400, MISSING)),
    multipart('a multipart upload with an empty file', form(B, [imagePart(Buffer.alloc(0))]), refused(400, BAD)),
    // One file is read (files: 1); what follows it is not.
    multipart('a multipart upload with two image files', form(B, [imagePart(img.jpeg), imagePart(img.png)]), classified()),
    multipart('a multipart body of 1000 empty fields', form(B, Array.from({ length: 1000 }, (_, i) => ({ headers: [`Content-Disposition: form-data; name="f${i}"`], content: '' }))), refused(413, 'CLASSIFIER_FIELDS_LIMIT')),
    multipart('a multipart part with 100 KB of headers', form(B, [{ ...imagePart(img.jpeg), headers: [...imagePart(img.jpeg).headers, `X-Padding: ${'p'.repeat(100_000)}`] }]), classified()),
    multipart('a multipart file over the limit by one byte (a JPEG padded after its end)', form(B, [imagePart(overLimit)]), refused(413, TOO_LARGE)),
    // Within the frontend's multipart allowance (64 KiB for part headers): the classifier refuses the file.
    multipart('a multipart file over the limit, sent chunked', form(B, [imagePart(overLimit)]), refused(413, TOO_LARGE), { framing: 'chunked' }),
    multipart('a multipart part that is SVG', form(B, [{ headers: ['Content-Disposition: form-data; name="image"; filename="x.svg"', 'Content-Type: image/svg+xml'], content: '<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999"/>' }]), refused(415, UNSUPPORTED)),
    // Query values: finite integers in range.
    query('topk=3', 'topk=3', classified(3), img.jpeg),
    query('topk=0', 'topk=0', refused(400, QUERY), img.jpeg),
    query('topk=21 (over the maximum)', 'topk=21', refused(400, QUERY), img.jpeg),
    query('topk=Infinity', 'topk=Infinity', refused(400, QUERY), img.jpeg),
    query('topk=NaN', 'topk=NaN', refused(400, QUERY), img.jpeg),
    query('topk=-1', 'topk=-1', refused(400, QUERY), img.jpeg),
    query('topk=1e3', 'topk=1e3', refused(400, QUERY), img.jpeg),
    query('topk=2.5', 'topk=2.5', refused(400, QUERY), img.jpeg),
    query('topk=abc', 'topk=abc', refused(400, QUERY), img.jpeg),
    query('topk= (empty)', 'topk=', refused(400, QUERY), img.jpeg),
    query('topk given twice', 'topk=1&topk=2', refused(400, QUERY), img.jpeg),
    query('topk=0x10', 'topk=0x10', refused(400, QUERY), img.jpeg),
    query('topk=%00', 'topk=%00', refused(400, QUERY), img.jpeg)
  ]
}
