const SHORT = 3
const LONG = 4
const UNDEFINED = 7

/**
 * An uncompressed 8-bit CMYK TIFF (little-endian, one strip) of `pixels`,
 * optionally carrying `icc` as its profile: libvips reads it as CMYK and
 * converts it the way it converts a CMYK JPEG, which is what the CMYK table
 * (cmyk.ts) samples. sharp has no way to label raw input as CMYK.
 */
export function cmykTiff (pixels: Buffer, width: number, height: number, icc?: Buffer): Buffer {
  const entries: Array<[tag: number, type: number, count: number, value: number]> = []
  const count = 11 + (icc === undefined ? 0 : 1)
  const ifdEnd = 8 + 2 + count * 12 + 4
  const bitsAt = ifdEnd
  const iccAt = bitsAt + 8
  const dataAt = iccAt + (icc === undefined ? 0 : icc.length + (icc.length % 2))
  entries.push([256, LONG, 1, width], [257, LONG, 1, height], [258, SHORT, 4, bitsAt], [259, SHORT, 1, 1], [262, SHORT, 1, 5],
    [273, LONG, 1, dataAt], [277, SHORT, 1, 4], [278, LONG, 1, height], [279, LONG, 1, pixels.length], [284, SHORT, 1, 1], [332, SHORT, 1, 1])
  if (icc !== undefined) entries.push([34675, UNDEFINED, icc.length, iccAt])
  const out = Buffer.alloc(dataAt + pixels.length)
  out.write('II', 0, 'latin1')
  out.writeUInt16LE(42, 2)
  out.writeUInt32LE(8, 4)
  out.writeUInt16LE(count, 8)
  entries.forEach(([tag, type, n, value], i) => {
    const at = 10 + i * 12
    out.writeUInt16LE(tag, at)
    out.writeUInt16LE(type, at + 2)
    out.writeUInt32LE(n, at + 4)
    if (type === SHORT && n === 1) out.writeUInt16LE(value, at + 8)
    else out.writeUInt32LE(value, at + 8)
  })
  for (let i = 0; i < 4; i++) out.writeUInt16LE(8, bitsAt + i * 2)
  icc?.copy(out, iccAt)
  pixels.copy(out, dataAt)
  return out
}
