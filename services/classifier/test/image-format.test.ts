import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { ImageError } from '../src/lib/image-error.js'
import { sniffFormat } from '../src/lib/image-format.js'
import { configureSharp } from '../src/lib/sharp-setup.js'
import { photo } from './photos.js'
import { hostileCases, type HostileCase } from './hostile.js'

describe('sniffFormat', () => {
  let hostile: HostileCase[]
  beforeAll(async () => { hostile = await hostileCases() })

  it('recognises JPEG, PNG, WebP, GIF, TIFF, AVIF and HEIF by their first bytes', async () => {
    const img = () => sharp(photo('goldfish.jpg'))
    expect(sniffFormat(photo('goldfish.jpg'))).toBe('jpeg')
    expect(sniffFormat(await img().png().toBuffer())).toBe('png')
    expect(sniffFormat(await img().webp().toBuffer())).toBe('webp')
    expect(sniffFormat(await img().gif().toBuffer())).toBe('gif')
    expect(sniffFormat(await img().tiff().toBuffer())).toBe('tiff')
    expect(sniffFormat(await img().tiff().toBuffer().then((b) => Buffer.concat([Buffer.from('MM\0*'), b.subarray(4)])))).toBe('tiff')
    expect(sniffFormat(await img().avif().toBuffer())).toBe('heif')
    expect(sniffFormat(await img().heif({ compression: 'av1' }).toBuffer())).toBe('heif')
  })

  it('refuses markup, compressed or padded SVG, UTF-16 text, PDF and BMP with 415 before any decoder runs', () => {
    const refused = hostile.filter((c) => c.status === 415)
    expect(refused.length).toBeGreaterThan(8)
    for (const c of refused) {
      expect(() => sniffFormat(c.body), c.name).toThrow(ImageError)
      try { sniffFormat(c.body) } catch (err) { expect((err as ImageError).kind, c.name).toBe('unsupported') }
    }
  })

  it('refuses bytes with no image signature, and a signature anywhere but at offset 0, as a bad image', () => {
    const jpeg = photo('goldfish.jpg')
    for (const body of [Buffer.from('hello, not an image'), Buffer.concat([Buffer.from([0]), jpeg]), Buffer.concat([Buffer.from('\r\n'), jpeg])]) {
      expect(() => sniffFormat(body)).toThrow(expect.objectContaining({ kind: 'bad_image' }))
    }
    expect(() => sniffFormat(Buffer.alloc(0))).toThrow(expect.objectContaining({ kind: 'bad_image', message: expect.stringContaining('empty') }))
  })

  it('takes an ISO media file only with a HEIF or AVIF brand', () => {
    const ftyp = (brands: string[]): Buffer => {
      const box = Buffer.alloc(8 + brands.length * 4 + 4)
      box.writeUInt32BE(box.length, 0)
      box.write('ftyp', 4, 'latin1')
      box.write(brands[0]!, 8, 'latin1')
      brands.slice(1).forEach((b, i) => box.write(b, 16 + i * 4, 'latin1'))
      return Buffer.concat([box, Buffer.alloc(32)])
    }
    expect(sniffFormat(ftyp(['mif1', 'avif']))).toBe('heif')
    expect(() => sniffFormat(ftyp(['isom', 'mp41']))).toThrow(expect.objectContaining({ kind: 'unsupported', message: expect.stringContaining('isom') }))
  })
})

describe('configureSharp', () => {
  it('leaves libvips only the accepted formats\' loaders: SVG fails even when handed to sharp directly', async () => {
    configureSharp()
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    await expect(sharp(svg).metadata()).rejects.toThrow(/unsupported image format/)
    await expect(sharp(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), svg])).png().toBuffer()).rejects.toThrow(/unsupported image format/)
    expect((await sharp(photo('goldfish.jpg')).metadata()).format).toBe('jpeg')
  })
})
