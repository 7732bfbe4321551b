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
