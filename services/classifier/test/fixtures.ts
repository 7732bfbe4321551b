import sharp, { type Sharp } from 'sharp'
import { photo } from './photos.js'

/** Variants of one real photo in every format and pixel layout the classifier must take. */
export async function photoVariants (name: string): Promise<Record<string, { body: Buffer, type: string }>> {
  const src = photo(name)
  const img = (): Sharp => sharp(src)
  return {
    'grayscale JPEG': { body: await img().grayscale().jpeg().toBuffer(), type: 'image/jpeg' },
    'CMYK JPEG': { body: await img().toColourspace('cmyk').jpeg().toBuffer(), type: 'image/jpeg' },
    'RGBA PNG': { body: await img().ensureAlpha(0.6).png().toBuffer(), type: 'image/png' },
    '16-bit PNG': { body: await img().toColourspace('rgb16').png().toBuffer(), type: 'image/png' },
    'palette PNG': { body: await img().png({ palette: true, colours: 256 }).toBuffer(), type: 'image/png' },
    WebP: { body: await img().webp().toBuffer(), type: 'image/webp' },
    GIF: { body: await img().gif().toBuffer(), type: 'image/gif' },
    TIFF: { body: await img().tiff().toBuffer(), type: 'image/tiff' },
    AVIF: { body: await img().avif({ quality: 70 }).toBuffer(), type: 'image/avif' },
    // Large enough for shrink-on-load, stored sideways as phones do.
    'EXIF-rotated 4000-wide JPEG': { body: await img().resize({ width: 4000 }).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer(), type: 'image/jpeg' }
  }
}

/** The photo's pixels turned a quarter left, with EXIF orientation 6 saying "turn right to view". */
export async function exifRotated (name: string): Promise<Buffer> {
  return await sharp(photo(name)).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer()
}

/** A photo cut off half way, as an interrupted upload leaves it. */
export function truncated (name: string): Buffer {
  const full = photo(name)
  return full.subarray(0, Math.floor(full.length / 2))
}

/** A 10000x10000 single-colour PNG: a few hundred KB that would decode to 300 MB. */
export async function decompressionBomb (): Promise<Buffer> {
  return await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#3080c0' } }).png({ compressionLevel: 9 }).toBuffer()
}

export const SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><circle cx="150" cy="150" r="100" fill="orange"/></svg>')

/** Deterministic noise that is no image format. */
export function randomBytes (length: number): Buffer {
  const out = Buffer.alloc(length)
  let x = 12345
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

/** A two-frame animated GIF: the first photo, then the second. */
export async function animatedGif (first: string, second: string): Promise<Buffer> {
  const frame = async (name: string): Promise<Buffer> => await sharp(photo(name)).resize(300, 200, { fit: 'fill' }).png().toBuffer()
  return await sharp([await frame(first), await frame(second)], { join: { animated: true } }).gif().toBuffer()
}
