// The classifier's preprocessing as it was before the decode work (commit 60861da), kept for the
// benchmark's side-by-side "before" column only: it reads the header without a pixel limit, takes
// the crop with extract() (which, on EXIF-rotated photos, rotates the full-size image first and
// turns off shrink-on-load) and applies every embedded ICC profile. The service no longer runs it.
import type { Preprocessing } from '@inference-stack/models'
import sharp from 'sharp'
import { normalizeCrop, resizedSize, type PreprocessLimits } from '../src/lib/preprocess.js'

export async function preprocessBefore (buffer: Buffer, spec: Preprocessing, limits: PreprocessLimits): Promise<Float32Array> {
  const meta = await sharp(buffer, { limitInputPixels: false }).metadata()
  const { width, height } = meta.autoOrient
  if (width * height > limits.maxInputPixels) throw new Error(`image is ${width}x${height}; over the limit`)
  const size = resizedSize(width, height, spec.resizeShortSide)
  const { crop } = spec
  const out = await sharp(buffer, { autoOrient: true, limitInputPixels: limits.maxInputPixels, failOn: 'error' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .extract({ left: Math.floor((size.width - crop) / 2), top: Math.floor((size.height - crop) / 2), width: crop, height: crop })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer()
  // The old normalize() over the 224 x 224 crop: normalizeCrop of a crop-sized image is the same loop.
  return normalizeCrop(out, crop, crop, spec)
}
