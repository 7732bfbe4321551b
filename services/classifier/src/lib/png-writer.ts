import { crc32, deflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk (type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/**
 * An 8-bit RGB PNG of `pixels` (interleaved, row by row) carrying `icc` as
 * its embedded profile (iCCP chunk): sharp can attach a profile to output
 * only from a file or a built-in name, and the probe needs arbitrary ones.
 */
export function pngWithProfile (pixels: Buffer, width: number, height: number, icc: Buffer): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // truecolour
  const rows = Buffer.alloc(height * (width * 3 + 1))
  for (let y = 0; y < height; y++) pixels.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3)
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('iCCP', Buffer.concat([Buffer.from('probe\0\0', 'latin1'), deflateSync(icc)])),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))
  ])
}
