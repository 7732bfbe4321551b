import type { Preprocessing } from '@inference-stack/models'
import sharp from 'sharp'
import type { PreprocessLimits } from '../src/lib/preprocess.js'

/**
 * The decode floor, first way: the cheapest libvips decode that yields the
 * pixels the 224 x 224 crop is taken from, as `vips thumbnail` would do it. One call:
 * libvips sizes the short side to 256 itself, JPEG decodes at the largest DCT
 * scale (1/2, 1/4, 1/8) that stays above that size and WebP decodes scaled,
 * the remaining reduction is nearest-neighbour (next to free), EXIF rotation
 * applies to the small result. No colour management: embedded profiles are
 * ignored and CMYK stays CMYK, so what is left above the floor is the
 * pipeline's own cost (header checks, colour, bilinear resize, normalize).
 */
export async function decodeFloor (buffer: Buffer, spec: Preprocessing, limits: PreprocessLimits): Promise<Buffer> {
  const side = spec.resizeShortSide
  let image = sharp(buffer, { autoOrient: true, ignoreIcc: true, limitInputPixels: limits.maxInputPixels, pages: 1 })
  // libvips converts CMYK to sRGB with an ICC transform whatever ignoreIcc says, unless the pipeline stays CMYK.
  if (cmyk(buffer)) image = image.pipelineColourspace('cmyk').toColourspace('cmyk')
  return await image.resize(side, side, { fit: 'outside', kernel: 'nearest', fastShrinkOnLoad: true }).raw().toBuffer()
}

/**
 * The decode floor, second way: every pixel decoded, nothing else (no
 * resize, no rotation, no colour management). For formats without
 * shrink-on-load it can be cheaper than a nearest-neighbour resize, which
 * makes libvips fetch the image line by line. The floor is the cheaper of the two.
 */
export async function decodeFull (buffer: Buffer, _spec: Preprocessing, limits: PreprocessLimits): Promise<Buffer> {
  let image = sharp(buffer, { ignoreIcc: true, limitInputPixels: limits.maxInputPixels, pages: 1 })
  if (cmyk(buffer)) image = image.pipelineColourspace('cmyk').toColourspace('cmyk')
  return await image.raw().toBuffer()
}

/** A JPEG whose frame header (SOF) declares four components: CMYK or YCCK. */
function cmyk (buf: Buffer): boolean {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) return false
  for (let at = 2; at + 9 < buf.length;) {
    if (buf[at] !== 0xff) return false
    const marker = buf[at + 1]!
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return buf[at + 9] === 4
    at += 2 + buf.readUInt16BE(at + 2)
  }
  return false
}
