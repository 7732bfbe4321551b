import type { Preprocessing } from '@inference-stack/models'
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp'
import { cmykTable, normalizeCmykCrop } from './cmyk.js'
import { isIdentityProfile } from './colour-profile.js'
import { decodeError, readImageHeader, type ImageHeader, type PreprocessLimits } from './image-header.js'
import { ImageError } from './image-error.js'
import type { ImageFormat } from './image-format.js'

export { ImageError, type ImageProblem } from './image-error.js'
export { ACCEPTED_FORMATS } from './image-format.js'
export { configureSharp } from './sharp-setup.js'
export { readImageHeader, type ImageHeader, type PreprocessLimits } from './image-header.js'

/** Size of the image after resizing its short side to `shortSide`, keeping the aspect ratio. */
export function resizedSize (width: number, height: number, shortSide: number): { width: number, height: number } {
  if (width <= height) return { width: shortSide, height: Math.max(shortSide, Math.round(height * shortSide / width)) }
  return { width: Math.max(shortSide, Math.round(width * shortSide / height)), height: shortSide }
}

/**
 * An embedded RGB profile whose conversion to sRGB changes nothing can be
 * skipped (see isIdentityProfile); libvips also runs it on greyscale images,
 * through RGB and back, to the same effect.
 */
async function skipProfile (meta: Metadata): Promise<boolean> {
  return meta.icc !== undefined && (meta.space === 'srgb' || meta.space === 'b-w') && meta.depth === 'uchar' && await isIdentityProfile(meta.icc)
}

/**
 * Encoded image -> Float32 NCHW tensor `[3, crop, crop]` as the model's catalog
 * entry describes it: EXIF orientation applied, alpha flattened onto white,
 * sRGB 8-bit, short side resized to `resizeShortSide` (one bilinear resize),
 * centre crop, then `(pixel * scale - mean) / std` per channel.
 *
 * The format is decided from the bytes (sniffFormat) before any decoder runs;
 * the header is checked against the pixel limit and the decode memory budget
 * before any pixel is decoded (readImageHeader). Throws ImageError for anything
 * it will not or cannot decode.
 */
export async function preprocess (buffer: Buffer, spec: Preprocessing, limits: PreprocessLimits): Promise<Float32Array> {
  return await decodeImage(buffer, await readImageHeader(buffer, limits), spec, limits)
}

/**
 * The decode of an image whose header was read (and, in the service, admitted): JPEG and WebP
 * decode at a reduced scale where the result stays above the resize size (shrink-on-load),
 * EXIF-rotated ones too.
 */
export async function decodeImage (buffer: Buffer, { format, meta }: ImageHeader, spec: Preprocessing, limits: PreprocessLimits): Promise<Float32Array> {
  const size = resizedSize(meta.autoOrient.width, meta.autoOrient.height, spec.resizeShortSide)
  // libvips computes only the pixels the crop needs when it takes the crop; with an EXIF rotation
  // that would make it rotate the full-size image first, without shrink-on-load, so those are cropped here.
  const upright = (meta.orientation ?? 1) === 1
  const out = upright ? { width: spec.crop, height: spec.crop } : size
  const crop = { left: Math.floor((size.width - spec.crop) / 2), top: Math.floor((size.height - spec.crop) / 2), width: spec.crop, height: spec.crop }
  const decode = (image: Sharp): Sharp => {
    const resized = image.resize(size.width, size.height, { fit: 'fill', kernel: kernelFor(spec) })
    return upright ? resized.extract(crop) : resized
  }
  const options = { autoOrient: true, limitInputPixels: limits.maxInputPixels, failOn: 'error', pages: 1 } as const
  try {
    if (cmykByTable(format, meta, size)) {
      const [cmyk, table] = await Promise.all([
        decode(sharp(buffer, options).pipelineColourspace('cmyk')).toColourspace('cmyk').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }),
        cmykTable(meta.icc)
      ])
      checkSize(cmyk.info, out, 4)
      return normalizeCmykCrop(cmyk.data, out.width, out.height, spec, table)
    }
    let image = sharp(buffer, { ...options, ignoreIcc: await skipProfile(meta) })
    // 16-bit RGB (PNG, TIFF, AVIF: none shrinks on load) goes to 8 bits before the resize, not after:
    // measured on a 2500x1667 16-bit PNG, 84 -> 63 ms (its decode alone), at most 2 levels apart.
    if (meta.space === 'rgb16') image = image.pipelineColourspace('srgb')
    const rgb = await decode(image.flatten({ background: '#ffffff' }).removeAlpha())
      .toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
    checkSize(rgb.info, out, 3)
    return normalizeCrop(rgb.data, out.width, out.height, spec)
  } catch (err) {
    throw err instanceof ImageError ? err : decodeError(err, limits)
  }
}

/**
 * A CMYK image libjpeg would not shrink on load (or a TIFF, which never is):
 * decoded as CMYK and resized, then only its crop converted, through a table
 * of libvips' own conversion (cmyk.ts), instead of libvips converting every
 * pixel after building its transform anew (about 30 ms each time).
 */
function cmykByTable (format: ImageFormat, meta: Metadata, size: { width: number, height: number }): boolean {
  if (meta.space !== 'cmyk' || meta.channels !== 4 || meta.depth !== 'uchar') return false
  if (format === 'tiff') return true
  return format === 'jpeg' && Math.min(meta.autoOrient.width / size.width, meta.autoOrient.height / size.height) < 2
}

function checkSize (info: OutputInfo, size: { width: number, height: number }, channels: number): void {
  if (info.channels !== channels || info.width !== size.width || info.height !== size.height) {
    throw new ImageError('bad_image', `could not decode the image: it decoded to ${info.width}x${info.height}x${info.channels}, expected ${size.width}x${size.height}x${channels}`)
  }
}

/** Sharp's bilinear kernel is `linear`; the catalog only names bilinear today. */
function kernelFor (spec: Preprocessing): 'linear' {
  if (spec.interpolation !== 'bilinear') throw new Error(`unsupported interpolation ${String(spec.interpolation)}`)
  return 'linear'
}

/** The centre `crop` x `crop` of interleaved RGB bytes (HWC, `width` x `height`) -> normalized planar Float32 (CHW). */
export function normalizeCrop (rgb: Uint8Array, width: number, height: number, spec: Preprocessing): Float32Array {
  const { crop, scale, mean, std } = spec
  const left = Math.floor((width - crop) / 2)
  const top = Math.floor((height - crop) / 2)
  const plane = crop * crop
  const out = new Float32Array(3 * plane)
  const [m0, m1, m2] = [scale / std[0], scale / std[1], scale / std[2]]
  const [a0, a1, a2] = [-mean[0] / std[0], -mean[1] / std[1], -mean[2] / std[2]]
  // Pixel by pixel: reads stay sequential, the three planes are written in step.
  for (let y = 0; y < crop; y++) {
    let src = ((top + y) * width + left) * 3
    for (let dst = y * crop, end = dst + crop; dst < end; dst++, src += 3) {
      out[dst] = rgb[src]! * m0 + a0
      out[dst + plane] = rgb[src + 1]! * m1 + a1
      out[dst + 2 * plane] = rgb[src + 2]! * m2 + a2
    }
  }
  return out
}
