import type { Preprocessing } from '@inference-stack/models'
import sharp from 'sharp'
import { normalizeCrop, resizedSize, type PreprocessLimits } from '../src/lib/preprocess.js'

/**
 * The reference preprocessing, as the model zoo defines it: every pixel
 * decoded (no shrink-on-load), EXIF orientation and embedded ICC profile
 * applied, alpha onto white, one bilinear resize of the short side to 256,
 * centre crop 224. The accuracy check compares the service's tensors with it.
 */
export async function preprocessReference (buffer: Buffer, spec: Preprocessing, limits: PreprocessLimits): Promise<Float32Array> {
  const meta = await sharp(buffer, { limitInputPixels: limits.maxInputPixels }).metadata()
  const { width, height } = meta.autoOrient
  const size = resizedSize(width, height, spec.resizeShortSide)
  const out = await sharp(buffer, { autoOrient: true, limitInputPixels: limits.maxInputPixels, failOn: 'error' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    // A full-frame extract before the resize: libvips then decodes every pixel (no shrink-on-load).
    .extract({ left: 0, top: 0, width, height })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer()
  return normalizeCrop(out, size.width, size.height, spec)
}
