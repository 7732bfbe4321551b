import { randomBytes } from 'node:crypto'
import sharp from 'sharp'

/**
 * A real PNG just under `limit` bytes (within 1 %): RGB noise stored without compression, so its
 * size follows from its side. Noise decodes like any photo; only its label is meaningless.
 */
export async function nearLimitPng (limit: number): Promise<Buffer> {
  const side = Math.floor(Math.sqrt((limit * 0.997) / 3))
  const png = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 }).toBuffer()
  if (png.length > limit || png.length < limit * 0.99) throw new Error(`the near-limit PNG is ${png.length} bytes, not just under ${limit}`)
  return png
}

/**
 * A PNG of `pixels` (8000 x 5000 at the default limit) in one flat colour, Adam7-interlaced: about
 * 130 KB on the wire, yet its decoder must hold the whole image before the first full row, so it
 * takes hundreds of ms to decode: a heavy image the limits allow.
 */
export async function slowPngAtPixelLimit (pixels: number): Promise<Buffer> {
  const width = Math.floor(Math.sqrt(pixels * 1.6))
  const height = Math.floor(pixels / width)
  return await sharp({ create: { width, height, channels: 3, background: '#3a7' } }).png({ progressive: true, compressionLevel: 9 }).toBuffer()
}
