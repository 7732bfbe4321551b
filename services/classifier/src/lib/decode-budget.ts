import type { Metadata } from 'sharp'
import { ImageError } from './image-error.js'
import type { ImageFormat } from './image-format.js'

/**
 * Bytes one decode may hold at once: the 8-bit RGB pixels of an image at the
 * pixel limit (MAX_INPUT_PIXELS x 3; 114 MiB at the default 40 MP). With one
 * libvips thread per image and UV_THREADPOOL_SIZE decodes at a time, the
 * classifier's decode memory stays under UV_THREADPOOL_SIZE x this.
 */
export const budgetBytes = (maxInputPixels: number): number => maxInputPixels * 3

/** Coefficient planes of a JPEG per pixel, from its chroma subsampling ("4:2:0" -> 1.5 for Y + Cb/4 + Cr/4). */
function jpegPlanes (meta: Metadata): number {
  const parts = meta.chromaSubsampling?.split(':').map(Number) ?? []
  const [j, a, b] = parts
  if (j === undefined || a === undefined || b === undefined || !(j > 0)) return meta.channels ?? 4
  const chroma = (a / j) * (b === 0 ? 0.5 : 1)
  return 1 + 2 * chroma + (parts.length > 3 ? 1 : 0)
}

const bytesPerSample = (meta: Metadata): number => ((meta.bitsPerSample ?? 8) > 8 ? 2 : 1)

/**
 * What the format's decoder holds in memory at once beyond a few rows,
 * estimated from the header. Baseline JPEG and non-interlaced PNG stream
 * through libvips row by row; the others keep a whole frame or plane set.
 */
export function decodeBytes (format: ImageFormat, meta: Metadata): number {
  const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0)
  const channels = meta.channels ?? 4
  switch (format) {
    // libjpeg keeps every 16-bit DCT coefficient of a progressive file until its last scan.
    case 'jpeg': return meta.isProgressive === true ? pixels * jpegPlanes(meta) * 2 : 0
    // Adam7 interlacing needs the whole image before the first full row exists.
    case 'png': return meta.isProgressive === true ? pixels * channels * bytesPerSample(meta) : 0
    // libnsgif and libwebp decode into a full RGBA frame.
    case 'gif':
    case 'webp': return pixels * 4
    // One strip may span the whole image.
    case 'tiff': return pixels * channels * bytesPerSample(meta)
    // libheif decodes the planes, libvips then interleaves them: two copies.
    case 'heif': return pixels * channels * bytesPerSample(meta) * 2
  }
}

/**
 * Most JPEG scans (SOS markers) accepted. Every scan of a progressive JPEG is
 * another pass over all its coefficients, so a small file of thousands of
 * tiny scans costs minutes; encoders write about 10 (libjpeg's default
 * progressive script), mozjpeg a few more.
 */
export const MAX_JPEG_SCANS = 100
const SOS = Buffer.from([0xff, 0xda])

/** Refuses (413) a JPEG of more than MAX_JPEG_SCANS scans. FF DA is always a marker: entropy-coded data stuffs every FF with 00. */
export function checkJpegScans (buffer: Buffer): void {
  let scans = 0
  for (let at = buffer.indexOf(SOS); at >= 0; at = buffer.indexOf(SOS, at + 2)) {
    if (++scans > MAX_JPEG_SCANS) throw new ImageError('too_large', `the JPEG has more than ${MAX_JPEG_SCANS} scans; each one is another pass over the whole image`)
  }
}

/** Refuses (413) an image whose decoder would hold more than the budget, before any pixel is decoded. */
export function checkDecodeBudget (format: ImageFormat, meta: Metadata, maxInputPixels: number): void {
  const need = decodeBytes(format, meta)
  const budget = budgetBytes(maxInputPixels)
  if (need <= budget) return
  const mb = (n: number): string => `${Math.ceil(n / 2 ** 20)} MiB`
  const what = `${meta.isProgressive === true ? 'progressive ' : ''}${format === 'heif' ? 'HEIF/AVIF' : format.toUpperCase()} of ${meta.width}x${meta.pageHeight ?? meta.height}`
  throw new ImageError('too_large', `decoding this ${what} would hold about ${mb(need)} at once; ` +
    `the limit per image is ${mb(budget)} (3 bytes per pixel of MAX_INPUT_PIXELS=${maxInputPixels}); send it smaller or as a baseline JPEG`)
}
