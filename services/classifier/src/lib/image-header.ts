import sharp, { type Metadata } from 'sharp'
import { checkDecodeBudget, checkJpegScans } from './decode-budget.js'
import { ImageError } from './image-error.js'
import { acceptedText, sniffFormat, type ImageFormat } from './image-format.js'

export interface PreprocessLimits {
  /** Largest accepted width x height (the first frame or page); also sets the decode memory budget. */
  maxInputPixels: number
}

/** What an image declares before any pixel is decoded: enough to admit it (admission.ts) and then decode it. */
export interface ImageHeader {
  format: ImageFormat
  meta: Metadata
  /** Width x height of the first frame or page, as its header declares it. */
  pixels: number
}

/** A decoder's complaint as the answer says it. */
export function decodeError (err: unknown, limits: PreprocessLimits): ImageError {
  const message = (err as Error).message ?? String(err)
  if (/pixel limit/i.test(message)) return new ImageError('too_large', `the image has more than ${limits.maxInputPixels} pixels (MAX_INPUT_PIXELS)`, { cause: err })
  // The signature named an accepted format (sniffFormat ran first), so a loader that cannot read the rest means broken data.
  if (/unsupported image format/i.test(message)) return new ImageError('bad_image', 'could not decode the image: it starts like an accepted format but its data is damaged or cut short', { cause: err })
  return new ImageError('bad_image', `could not decode the image: ${message}`, { cause: err })
}

/**
 * Over the pixel limit, the error names the image's size: the header read again without the limit
 * (only the accepted formats' loaders exist, and a header read decodes no pixel).
 */
async function tooManyPixels (buffer: Buffer, limits: PreprocessLimits): Promise<ImageError | undefined> {
  const meta = await sharp(buffer, { limitInputPixels: false, pages: 1 }).metadata().catch(() => undefined)
  const { width = 0, height = 0 } = meta?.autoOrient ?? {}
  if (width * height <= limits.maxInputPixels) return undefined
  return new ImageError('too_large', `image is ${width}x${height} = ${width * height} pixels; the limit is ${limits.maxInputPixels} (MAX_INPUT_PIXELS)`)
}

/**
 * The format decided from the bytes (sniffFormat: only the accepted formats' signatures), then the
 * header, read with the pixel limit on and checked against what the signature said, the pixel
 * limit and the decode memory budget: every refusal here comes before any pixel is decoded.
 * Throws ImageError.
 */
export async function readImageHeader (buffer: Buffer, limits: PreprocessLimits): Promise<ImageHeader> {
  const format = sniffFormat(buffer)
  let meta: Metadata
  try {
    meta = await sharp(buffer, { limitInputPixels: limits.maxInputPixels, pages: 1 }).metadata()
  } catch (err) {
    throw await tooManyPixels(buffer, limits) ?? decodeError(err, limits)
  }
  if (meta.format !== format) throw new ImageError('bad_image', `the bytes start as ${format} but decode as ${meta.format ?? 'nothing'}`)
  if (format === 'heif' && meta.compression !== 'av1') {
    throw new ImageError('unsupported', `HEIF images coded with ${meta.compression ?? 'an unknown codec'} (e.g. HEIC) are not supported; send one of: ${acceptedText()}`)
  }
  const { width, height } = meta.autoOrient
  if (!(width > 0 && height > 0)) throw new ImageError('bad_image', 'the image has no pixels')
  if (width * height > limits.maxInputPixels) {
    throw new ImageError('too_large', `image is ${width}x${height} = ${width * height} pixels; the limit is ${limits.maxInputPixels} (MAX_INPUT_PIXELS)`)
  }
  checkDecodeBudget(format, meta, limits.maxInputPixels)
  if (format === 'jpeg' && meta.isProgressive === true) checkJpegScans(buffer)
  return { format, meta, pixels: width * height }
}
