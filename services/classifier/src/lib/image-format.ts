import { ImageError } from './image-error.js'

/** The formats we decode, as sharp's metadata names them (AVIF is `heif` with AV1 inside). */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif'

export const ACCEPTED_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']

const ACCEPTED_TEXT = 'JPEG, PNG, WebP, GIF, TIFF, AVIF'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** ISO base media file brands of HEIF images (AVIF and HEIC); libheif reads them, sharp's build decodes AV1 only. */
const HEIF_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'])
const MAX_BRANDS = 64

const ascii = (buf: Buffer, start: number, end: number): string => buf.toString('latin1', start, end)
const startsWith = (buf: Buffer, magic: Buffer | string, at = 0): boolean =>
  buf.length >= at + magic.length && buf.subarray(at, at + magic.length).equals(typeof magic === 'string' ? Buffer.from(magic, 'latin1') : magic)

/** The brands of an ISO base media file (`ftyp` box first), or undefined when it is not one. */
function ftypBrands (buf: Buffer): string[] | undefined {
  if (buf.length < 16 || ascii(buf, 4, 8) !== 'ftyp') return undefined
  const size = buf.readUInt32BE(0)
  if (size < 16 || size > buf.length) return undefined
  const brands = [ascii(buf, 8, 12)]
  for (let at = 16; at + 4 <= size && brands.length <= MAX_BRANDS; at += 4) brands.push(ascii(buf, at, at + 4))
  return brands
}

/** Accepted formats by their signatures at offset 0: nothing before them, nothing skipped. */
function acceptedFormat (buf: Buffer): ImageFormat | undefined {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg'
  if (startsWith(buf, PNG_SIGNATURE)) return 'png'
  if (startsWith(buf, 'GIF87a') || startsWith(buf, 'GIF89a')) return 'gif'
  if (startsWith(buf, 'RIFF') && startsWith(buf, 'WEBP', 8)) return 'webp'
  if (startsWith(buf, 'II*\0') || startsWith(buf, 'MM\0*')) return 'tiff'
  if (ftypBrands(buf)?.some((b) => HEIF_BRANDS.has(b))) return 'heif'
  return undefined
}

/** A name for formats and text we recognise and refuse, so the 415 says what was sent. */
function describeRefused (buf: Buffer): string | undefined {
  if (buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip-compressed data (e.g. SVGZ)'
  if ((buf[0] === 0xfe && buf[1] === 0xff) || (buf[0] === 0xff && buf[1] === 0xfe)) return 'UTF-16 text (e.g. SVG or XML)'
  if (startsWith(buf, '%PDF')) return 'PDF'
  if (startsWith(buf, 'BM')) return 'BMP'
  if (startsWith(buf, '8BPS')) return 'Photoshop PSD'
  if (startsWith(buf, 'PK\x03\x04')) return 'a ZIP archive'
  if (startsWith(buf, 'II+\0') || startsWith(buf, 'MM\0+')) return 'BigTIFF'
  const brands = ftypBrands(buf)
  if (brands !== undefined) return `an ISO media file of brand "${brands[0]}"`
  let i = startsWith(buf, '\xef\xbb\xbf') ? 3 : 0
  while (i < buf.length && i < 4096 && ' \t\r\n'.includes(String.fromCharCode(buf[i]!))) i++
  if (buf[i] === 0x3c) return 'markup (SVG, XML or HTML)'
  return undefined
}

/**
 * The image format from the first bytes, by an allowlist of signatures: only
 * these inputs ever reach a decoder. Markup, compressed or padded SVG, PDF
 * and anything else are refused here, whatever content type was claimed:
 * 415 for a format we recognise and do not take, 400 for unrecognised bytes.
 */
export function sniffFormat (buf: Buffer): ImageFormat {
  if (buf.length === 0) throw new ImageError('bad_image', 'the image is empty (0 bytes)')
  const format = acceptedFormat(buf)
  if (format !== undefined) return format
  const refused = describeRefused(buf)
  if (refused !== undefined) throw new ImageError('unsupported', `the upload is ${refused}; send one of: ${ACCEPTED_TEXT}`)
  throw new ImageError('bad_image', `the bytes start with no image signature we know (${buf.subarray(0, 8).toString('hex')}); send one of: ${ACCEPTED_TEXT}`)
}

export const acceptedText = (): string => ACCEPTED_TEXT
