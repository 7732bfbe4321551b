import { describe, expect, it } from 'vitest'
import { encodedName, planUpload, scaledSize, sendEncoded, SMALL_FILE_BYTES, sniffFormat } from '../page/resize-plan.js'

const target = { resizeShortSide: 256, maxInputPixels: 40_000_000 }
const head = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p))

describe('the page’s upload plan', () => {
  it('shrinks a 12-megapixel phone photo to a short side of three times the model’s resize size', () => {
    expect(planUpload({ width: 4032, height: 3024 }, 3_400_000, target)).toEqual({ kind: 'encode', size: { width: 1024, height: 768 }, downscaled: true })
    expect(planUpload({ width: 3024, height: 4032 }, 3_400_000, target)).toEqual({ kind: 'encode', size: { width: 768, height: 1024 }, downscaled: true })
    expect(planUpload({ width: 5360, height: 3560 }, 764_047, target)).toEqual({ kind: 'encode', size: { width: 1156, height: 768 }, downscaled: true })
  })

  it('follows the model’s resize size from /info instead of assuming 256', () => {
    expect(planUpload({ width: 4000, height: 3000 }, 3_000_000, { resizeShortSide: 320 })).toEqual({ kind: 'encode', size: { width: 1280, height: 960 }, downscaled: true })
  })

  it('sends a small image as it is, never upscaled', () => {
    expect(planUpload({ width: 500, height: 375 }, 45_363, target)).toEqual({ kind: 'original', reason: 'small enough' })
    expect(planUpload({ width: 768, height: 4000 }, SMALL_FILE_BYTES, target)).toEqual({ kind: 'original', reason: 'small enough' })
    expect(planUpload({ width: 1, height: 1 }, 100, target)).toEqual({ kind: 'original', reason: 'small enough' })
  })

  it('re-encodes a heavy file that needs no downscaling at its own size', () => {
    expect(planUpload({ width: 500, height: 375 }, 541_963, target)).toEqual({ kind: 'encode', size: { width: 500, height: 375 }, downscaled: false })
  })

  it('sends a photo over the classifier’s pixel limit as it is, so the classifier’s 413 stays the answer', () => {
    expect(planUpload({ width: 8000, height: 6000 }, 9_000_000, target)).toEqual({ kind: 'original', reason: 'over the classifier’s pixel limit' })
    expect(planUpload({ width: 8000, height: 6000 }, 9_000_000, { resizeShortSide: 256 })).toMatchObject({ kind: 'encode', downscaled: true })
  })

  it('keeps extreme aspect ratios with at least the goal on both sides, as the classifier rounds', () => {
    expect(scaledSize({ width: 20000, height: 600 }, 512)).toEqual({ width: 17067, height: 512 })
    expect(scaledSize({ width: 600, height: 601 }, 512)).toEqual({ width: 512, height: 513 })
  })

  it('sends a downscaled copy always and a same-size copy only when it is smaller', () => {
    const down = { kind: 'encode', size: { width: 1156, height: 768 }, downscaled: true } as const
    const same = { kind: 'encode', size: { width: 500, height: 375 }, downscaled: false } as const
    expect(sendEncoded(down, 300_000, 400_000)).toBe(true)
    expect(sendEncoded(same, 300_000, 100_000)).toBe(true)
    expect(sendEncoded(same, 300_000, 300_000)).toBe(false)
  })

  it('names the copy after the original, as a .jpg', () => {
    expect(encodedName('IMG_0042.HEIC')).toBe('IMG_0042.jpg')
    expect(encodedName('cat.png')).toBe('cat.jpg')
    expect(encodedName('photo')).toBe('photo.jpg')
    expect(encodedName('.jpg')).toBe('image.jpg')
  })
})

describe('the page’s format sniffing', () => {
  it('tells the classifier’s formats apart by their first bytes', () => {
    expect(sniffFormat(head([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg')
    expect(sniffFormat(head([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png')
    expect(sniffFormat(head('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toBe('webp')
    expect(sniffFormat(head('GIF89a'))).toBe('gif')
    expect(sniffFormat(head('II*', [0]))).toBe('tiff')
    expect(sniffFormat(head('MM', [0], '*'))).toBe('tiff')
    expect(sniffFormat(head([0, 0, 0, 0x1c], 'ftypavif'))).toBe('heif')
    expect(sniffFormat(head([0, 0, 0, 0x18], 'ftypheic'))).toBe('heif')
  })

  it('leaves anything else to the classifier: BMP, SVG, PDF, RIFF that is not WebP, empty files', () => {
    expect(sniffFormat(head('BM', [0, 0, 0, 0]))).toBeUndefined()
    expect(sniffFormat(head('<svg xmlns'))).toBeUndefined()
    expect(sniffFormat(head('%PDF-1.4'))).toBeUndefined()
    expect(sniffFormat(head('RIFF', [1, 2, 3, 4], 'WAVE'))).toBeUndefined()
    expect(sniffFormat(new Uint8Array(0))).toBeUndefined()
  })
})
