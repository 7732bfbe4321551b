import sharp, { type Metadata } from 'sharp'
import { describe, expect, it } from 'vitest'
import { budgetBytes, checkDecodeBudget, decodeBytes } from '../src/lib/decode-budget.js'
import { photo } from './photos.js'

const header = (fields: Partial<Metadata>): Metadata => ({ width: 6000, height: 4000, channels: 3, ...fields }) as Metadata

describe('decode memory budget', () => {
  it('is 3 bytes per pixel of MAX_INPUT_PIXELS: 114 MiB at the default 40 MP', () => {
    expect(budgetBytes(40_000_000) / 2 ** 20).toBeCloseTo(114.4, 1)
  })

  it('counts progressive JPEG coefficients by chroma subsampling, and nothing for streamed baseline JPEG and PNG', () => {
    expect(decodeBytes('jpeg', header({ isProgressive: true, chromaSubsampling: '4:2:0' }))).toBe(24e6 * 1.5 * 2)
    expect(decodeBytes('jpeg', header({ isProgressive: true, chromaSubsampling: '4:4:4' }))).toBe(24e6 * 3 * 2)
    expect(decodeBytes('jpeg', header({ isProgressive: true, chromaSubsampling: '4:4:4:4', channels: 4 }))).toBe(24e6 * 4 * 2)
    expect(decodeBytes('jpeg', header({ isProgressive: false }))).toBe(0)
    expect(decodeBytes('png', header({ isProgressive: false }))).toBe(0)
    expect(decodeBytes('png', header({ isProgressive: true, channels: 4, bitsPerSample: 16 }))).toBe(24e6 * 4 * 2)
    expect(decodeBytes('gif', header({ pageHeight: 1000 }))).toBe(6000 * 1000 * 4)
  })

  it('refuses with too_large, naming the need and the limit, what a real header declares beyond it', async () => {
    const interlaced = await sharp({ create: { width: 4000, height: 3000, channels: 4, background: '#336699' } }).png({ progressive: true }).toBuffer()
    const meta = await sharp(interlaced).metadata()
    expect(() => checkDecodeBudget('png', meta, 10_000_000)).toThrow(expect.objectContaining({ kind: 'too_large', message: expect.stringMatching(/46 MiB.*29 MiB/) }))
    expect(() => checkDecodeBudget('png', meta, 40_000_000)).not.toThrow()
    const baseline = await sharp(photo('goldfish.jpg')).metadata()
    expect(() => checkDecodeBudget('jpeg', baseline, 1000)).not.toThrow()
  })
})
