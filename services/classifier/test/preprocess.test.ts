import { getEntry } from '@inference-stack/models'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { preprocessReference } from '../bench/reference.js'
import { ImageError, preprocess, resizedSize } from '../src/lib/preprocess.js'
import { decompressionBomb, exifRotated, SVG } from './fixtures.js'
import { photo } from './photos.js'
import { greyLevels, plainJsTensor } from './reference-resize.js'

const spec = getEntry('mobilenetv2-12-int8').preprocessing
const limits = { maxInputPixels: 40_000_000 }

/**
 * Reference tensor built independently of preprocess(): sharp only resizes the
 * whole image (its bilinear `linear` kernel, short side 256); the centre crop,
 * HWC -> CHW transpose and normalization are done here in plain JS, in float64.
 */
async function reference (image: Buffer): Promise<Float64Array> {
  const meta = await sharp(image, { autoOrient: true }).metadata()
  const w = meta.autoOrient.width
  const h = meta.autoOrient.height
  const short = Math.min(w, h)
  const rw = Math.round(w * 256 / short)
  const rh = Math.round(h * 256 / short)
  const { data, info } = await sharp(image, { autoOrient: true }).flatten({ background: '#ffffff' })
    .resize(rw, rh, { fit: 'fill', kernel: 'linear' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  expect(info.channels).toBe(3)
  const left = Math.floor((rw - 224) / 2)
  const top = Math.floor((rh - 224) / 2)
  const mean = [0.485, 0.456, 0.406]
  const std = [0.229, 0.224, 0.225]
  const out = new Float64Array(3 * 224 * 224)
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 224; y++) {
      for (let x = 0; x < 224; x++) {
        const v = data[((top + y) * rw + (left + x)) * 3 + c]!
        out[c * 224 * 224 + y * 224 + x] = (v / 255 - mean[c]!) / std[c]!
      }
    }
  }
  return out
}

function maxAbsDiff (a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}

function meanAbsDiff (a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!)
  return sum / a.length
}

describe('preprocess', () => {
  it('uses the catalog preprocessing of the model (ImageNet mean/std, 256 -> 224)', () => {
    expect(spec).toMatchObject({ resizeShortSide: 256, crop: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], layout: 'NCHW', channelOrder: 'RGB' })
  })

  for (const file of ['goldfish.jpg', 'tabby-cat.png']) {
    it(`matches an independently computed reference tensor within 1e-5 for ${file}`, async () => {
      const tensor = await preprocess(photo(file), spec, limits)
      expect(tensor).toBeInstanceOf(Float32Array)
      expect(tensor.length).toBe(3 * 224 * 224)
      expect(maxAbsDiff(tensor, await reference(photo(file)))).toBeLessThan(1e-5)
    })
  }

  for (const file of ['goldfish.jpg', 'siamese-cat.jpg']) {
    // libvips rounds between its two resize passes and treats edges differently, so
    // bit-exact agreement is not expected here; the 1e-5 check above pins the rest.
    it(`agrees with a plain-JS antialiased bilinear resize within 2.5 grey levels for ${file}`, async () => {
      const tensor = await preprocess(photo(file), spec, limits)
      const reference = await plainJsTensor(photo(file))
      expect(maxAbsDiff(tensor, reference)).toBeLessThan(greyLevels(2.5))
      expect(meanAbsDiff(tensor, reference)).toBeLessThan(greyLevels(0.5))
    })
  }

  it('sizes the short side to exactly 256, keeping the aspect ratio', () => {
    expect(resizedSize(376, 263, 256)).toEqual({ width: 366, height: 256 })
    expect(resizedSize(263, 376, 256)).toEqual({ width: 256, height: 366 })
    expect(resizedSize(5360, 3560, 256)).toEqual({ width: 385, height: 256 })
    expect(resizedSize(300, 300, 256)).toEqual({ width: 256, height: 256 })
  })

  it('applies EXIF orientation: a rotated JPEG tagged orientation 6 gives the upright tensor', async () => {
    const upright = await preprocess(await sharp(photo('dalmatian.jpg')).jpeg({ quality: 95 }).toBuffer(), spec, limits)
    const rotated = await exifRotated('dalmatian.jpg')
    const oriented = await preprocess(rotated, spec, limits)
    const ignored = await preprocess(await sharp(rotated).withMetadata({ orientation: 1 }).toBuffer(), spec, limits)
    // JPEG re-encoding differs slightly; a sideways image differs a lot.
    expect(meanAbsDiff(oriented, upright)).toBeLessThan(0.05)
    expect(meanAbsDiff(ignored, upright)).toBeGreaterThan(0.3)
  })

  it('decodes an EXIF-rotated 19 MP JPEG at 1/8 scale (shrink-on-load), within a grey level on average of decoding every pixel', async () => {
    // What phones send: pixels stored sideways, orientation 6 to turn them upright.
    const phone = await sharp(photo('domestic-cat-5360x3560.jpg')).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer()
    const tensor = await preprocess(phone, spec, limits)
    const everyPixel = await preprocessReference(phone, spec, limits)
    // Measured: 0.46 grey levels on average, 11.7 at most (libjpeg's DCT scaling is no bilinear filter).
    expect(meanAbsDiff(tensor, everyPixel)).toBeLessThan(greyLevels(1))
    expect(maxAbsDiff(tensor, everyPixel)).toBeLessThan(greyLevels(16))
  })

  it('gives a photo stored sideways with EXIF orientation 6 the tensor of the upright photo (cropped here, not in libvips)', async () => {
    const big = await sharp(photo('tabby-cat.png')).resize({ width: 2000 }).toBuffer()
    const upright = await preprocess(await sharp(big).png().toBuffer(), spec, limits)
    const sideways = await preprocess(await sharp(big).rotate(270).withMetadata({ orientation: 6 }).png().toBuffer(), spec, limits)
    // Rotating after the resize instead of before changes the resize's rounding only (measured: at most 1 level, 0.16 on average).
    expect(maxAbsDiff(sideways, upright)).toBeLessThan(greyLevels(1.5))
    expect(meanAbsDiff(sideways, upright)).toBeLessThan(greyLevels(0.25))
  })

  it('skips an embedded sRGB profile only because converting it changes nothing: the tensor equals the converted one', async () => {
    // daisy.jpg carries the common 3,144-byte "sRGB IEC61966-2.1" profile.
    expect((await sharp(photo('daisy.jpg')).metadata()).icc?.length).toBe(3144)
    expect(maxAbsDiff(await preprocess(photo('daisy.jpg'), spec, limits), await preprocessReference(photo('daisy.jpg'), spec, limits))).toBeLessThan(greyLevels(1.01))
  })

  it('converts a CMYK JPEG through the cached table within 2.5 grey levels on average of libvips converting every pixel first', async () => {
    const tensor = await preprocess(photo('zebra-cmyk.jpg'), spec, limits)
    // Measured 1.95: the table itself is within 0.18 of libvips; the rest is resizing before converting (CMYK -> RGB is not linear).
    expect(meanAbsDiff(tensor, await preprocessReference(photo('zebra-cmyk.jpg'), spec, limits))).toBeLessThan(greyLevels(2.5))
  })

  it('flattens transparent pixels onto white', async () => {
    const clear = await sharp({ create: { width: 300, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer()
    const tensor = await preprocess(clear, spec, limits)
    for (let c = 0; c < 3; c++) expect(tensor[c * 224 * 224]).toBeCloseTo((1 - spec.mean[c]) / spec.std[c], 5)
  })

  it('refuses SVG, a decompression bomb and an empty buffer with typed errors', async () => {
    await expect(preprocess(SVG, spec, limits)).rejects.toMatchObject({ kind: 'unsupported' })
    await expect(preprocess(await decompressionBomb(), spec, limits)).rejects.toMatchObject({ kind: 'too_large' })
    await expect(preprocess(Buffer.alloc(0), spec, limits)).rejects.toBeInstanceOf(ImageError)
  })
})
