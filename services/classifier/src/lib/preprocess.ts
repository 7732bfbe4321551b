import type { Preprocessing } from '@inference-stack/models'
import sharp, { type Metadata } from 'sharp'

/** Formats we decode. Everything else (SVG, PDF, raw pixel formats...) is refused before decoding. */
export const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif'])

/** Why an image was refused; the HTTP layer maps each kind to a status and code. */
export type ImageProblem = 'bad_image' | 'too_large' | 'unsupported'

export class ImageError extends Error {
  constructor (readonly kind: ImageProblem, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ImageError'
  }
}

export interface PreprocessLimits {
  /** Largest accepted width x height (after EXIF orientation; the first frame of animations). */
  maxInputPixels: number
}

/**
 * Sharp settings for a server that decodes many images at once: one libvips
 * thread per image (parallelism comes from concurrent requests in libuv's
 * threadpool, UV_THREADPOOL_SIZE) and no operation cache (every upload differs).
 */
export function configureSharp (): void {
  sharp.concurrency(1)
  sharp.cache(false)
}

/** Text-based input (SVG, HTML, XML) starts with `<`, possibly after a BOM and whitespace. */
function looksLikeMarkup (buffer: Buffer): boolean {
  let i = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0
  while (i < buffer.length && i < 1024 && (buffer[i] === 0x20 || buffer[i] === 0x09 || buffer[i] === 0x0a || buffer[i] === 0x0d)) i++
  return buffer[i] === 0x3c
}

/** Size of the image after resizing its short side to `shortSide`, keeping the aspect ratio. */
export function resizedSize (width: number, height: number, shortSide: number): { width: number, height: number } {
  if (width <= height) return { width: shortSide, height: Math.max(shortSide, Math.round(height * shortSide / width)) }
  return { width: Math.max(shortSide, Math.round(width * shortSide / height)), height: shortSide }
}

function decodeError (err: unknown): ImageError {
  const message = (err as Error).message ?? String(err)
  if (/pixel limit/i.test(message)) return new ImageError('too_large', `image is too large to decode: ${message}`, { cause: err })
  return new ImageError('bad_image', `could not decode the image: ${message}`, { cause: err })
}

/**
 * Encoded image -> Float32 NCHW tensor `[3, crop, crop]` as the model's catalog
 * entry describes it: EXIF orientation applied, alpha flattened onto white,
 * sRGB 8-bit, short side resized to `resizeShortSide` (one bilinear resize),
 * centre crop, then `(pixel * scale - mean) / std` per channel.
 * Throws ImageError for anything it will not or cannot decode.
 */
export async function preprocess (buffer: Buffer, spec: Preprocessing, limits: PreprocessLimits): Promise<Float32Array> {
  if (buffer.length === 0) throw new ImageError('bad_image', 'the image is empty (0 bytes)')
  if (looksLikeMarkup(buffer)) throw new ImageError('unsupported', `SVG and other markup are not accepted; send one of: ${[...ACCEPTED_FORMATS].join(', ')}`)
  let meta: Metadata
  try {
    meta = await sharp(buffer, { limitInputPixels: false }).metadata()
  } catch (err) {
    throw decodeError(err)
  }
  if (meta.format === undefined || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new ImageError('unsupported', `image format "${meta.format ?? 'unknown'}" is not accepted; send one of: ${[...ACCEPTED_FORMATS].join(', ')}`)
  }
  // The first frame of an animation, after EXIF orientation.
  const { width, height } = meta.autoOrient
  if (!(width > 0 && height > 0)) throw new ImageError('bad_image', 'the image has no pixels')
  if (width * height > limits.maxInputPixels) {
    throw new ImageError('too_large', `image is ${width}x${height} = ${width * height} pixels; the limit is ${limits.maxInputPixels} (MAX_INPUT_PIXELS)`)
  }
  const size = resizedSize(width, height, spec.resizeShortSide)
  const { crop } = spec
  let pixels: Buffer
  try {
    const out = await sharp(buffer, { autoOrient: true, limitInputPixels: limits.maxInputPixels, failOn: 'error' })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .resize(size.width, size.height, { fit: 'fill', kernel: kernelFor(spec) })
      .extract({ left: Math.floor((size.width - crop) / 2), top: Math.floor((size.height - crop) / 2), width: crop, height: crop })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    if (out.info.channels !== 3 || out.info.width !== crop || out.info.height !== crop) {
      throw new Error(`decoded to ${out.info.width}x${out.info.height}x${out.info.channels}, expected ${crop}x${crop}x3`)
    }
    pixels = out.data
  } catch (err) {
    throw decodeError(err)
  }
  return normalize(pixels, spec)
}

/** Sharp's bilinear kernel is `linear`; the catalog only names bilinear today. */
function kernelFor (spec: Preprocessing): 'linear' {
  if (spec.interpolation !== 'bilinear') throw new Error(`unsupported interpolation ${String(spec.interpolation)}`)
  return 'linear'
}

/** Interleaved RGB bytes (HWC) -> normalized planar Float32 (CHW). */
export function normalize (rgb: Uint8Array, spec: Preprocessing): Float32Array {
  const plane = rgb.length / 3
  const out = new Float32Array(rgb.length)
  for (let c = 0; c < 3; c++) {
    const mul = spec.scale / spec.std[c]
    const add = -spec.mean[c] / spec.std[c]
    const base = c * plane
    for (let i = 0; i < plane; i++) out[base + i] = rgb[i * 3 + c] * mul + add
  }
  return out
}
