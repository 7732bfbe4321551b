// Uploads built to hurt an image decoder, shared by the classifier's tests and the fault suite
// (loadtest/faults): each is a real image or a real signature with a header that lies.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import sharp from 'sharp'
import { testImagesDir } from './images.js'

/** An upload that must be refused, and how. */
export interface HostileCase { name: string, body: Buffer, type: string, status: number, code: string }

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><rect width="100%" height="100%" fill="red"/></svg>'
const BAD = 'CLASSIFIER_BAD_IMAGE'
const UNSUPPORTED = 'CLASSIFIER_UNSUPPORTED_IMAGE'
const TOO_LARGE = 'CLASSIFIER_IMAGE_TOO_LARGE'

/** The small test photo every generator starts from (TEST_IMAGES_DIR, or fetched on first use). */
async function goldfish (): Promise<Buffer> {
  return await readFile(join(await testImagesDir(), 'goldfish.jpg'))
}

/** UTF-16 big-endian text with its BOM. */
function utf16be (text: string): Buffer {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le')
  return le.swap16()
}

/** A minimal greyscale TIFF whose header declares `width` x `height` and carries 16 bytes of pixels. */
export function tiffDeclaring (width: number, height: number): Buffer {
  const tags: Array<[number, number, number]> = [[256, 4, width], [257, 4, height], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 0], [277, 3, 1], [278, 4, height], [279, 4, 16]]
  const data = 8 + 2 + tags.length * 12 + 4
  tags[5]![2] = data
  const out = Buffer.alloc(data + 16, 0x80)
  out.write('II*\0', 0, 'latin1')
  out.writeUInt32LE(8, 4)
  out.writeUInt16LE(tags.length, 8)
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12
    out.writeUInt16LE(tag, at)
    out.writeUInt16LE(type, at + 2)
    out.writeUInt32LE(1, at + 4)
    if (type === 3) out.writeUInt32LE(value & 0xffff, at + 8)
    else out.writeUInt32LE(value, at + 8)
  })
  out.writeUInt32LE(0, 10 + tags.length * 12)
  return out
}

/** `image` with the first occurrence of box/marker `tag` followed, `skip` bytes on, by new 32- or 16-bit width and height. */
function patchSize (image: Buffer, tag: Buffer, skip: number, width: number, height: number, bytes: 2 | 4, heightFirst = false): Buffer {
  const out = Buffer.from(image)
  const at = out.indexOf(tag)
  if (at < 0) throw new Error(`fixture: no ${tag.toString('hex')} in the image`)
  const [a, b] = heightFirst ? [height, width] : [width, height]
  if (bytes === 4) { out.writeUInt32BE(a, at + skip); out.writeUInt32BE(b, at + skip + 4) } else { out.writeUInt16BE(a, at + skip); out.writeUInt16BE(b, at + skip + 2) }
  return out
}

/** A real small JPEG whose frame header (SOF) declares another size. */
async function jpegDeclaring (width: number, height: number, progressive: boolean, chroma: '4:2:0' | '4:4:4'): Promise<Buffer> {
  const small = await sharp(await goldfish()).jpeg({ progressive, chromaSubsampling: chroma }).toBuffer()
  // SOFn: FF Cx, length (2), precision (1), height (2), width (2).
  return patchSize(small, Buffer.from([0xff, progressive ? 0xc2 : 0xc0]), 5, width, height, 2, true)
}

/** A small progressive JPEG whose last scan is repeated until it has `scans` of them: each is another pass over every coefficient. */
async function jpegOfScans (scans: number): Promise<Buffer> {
  const jpeg = await sharp(await goldfish()).jpeg({ progressive: true }).toBuffer()
  const last = jpeg.lastIndexOf(Buffer.from([0xff, 0xda]))
  const end = jpeg.lastIndexOf(Buffer.from([0xff, 0xd9]))
  const have = jpeg.subarray(0, end).toString('latin1').split('\xff\xda').length - 1
  return Buffer.concat([jpeg.subarray(0, end), ...Array.from({ length: scans - have }, () => jpeg.subarray(last, end)), jpeg.subarray(end)])
}

/** A real small AVIF whose `ispe` box declares another size. */
async function avifDeclaring (width: number, height: number): Promise<Buffer> {
  const small = await sharp(await goldfish()).avif({ quality: 40 }).toBuffer()
  // ispe: type (4), version and flags (4), width (4), height (4).
  return patchSize(small, Buffer.from('ispe'), 8, width, height, 4)
}

/** A small progressive 4:2:0 JPEG whose header declares 24 MP: within the decode budget, so it is decoded (72 MiB of coefficients), to garbage. */
export async function heavyButAllowedJpeg (): Promise<Buffer> {
  return await jpegDeclaring(6000, 4000, true, '4:2:0')
}

/**
 * Uploads that must get a 4xx without any decoder doing real work: disguised
 * markup (compressed, padded, UTF-16, behind an image signature), other
 * formats, and headers declaring far more pixels or memory than allowed.
 */
export async function hostileCases (): Promise<HostileCase[]> {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return [
    { name: 'gzip-compressed SVG (svgz)', body: gzipSync(SVG), type: 'image/svg+xml', status: 415, code: UNSUPPORTED },
    { name: 'SVG after 3 KB of whitespace', body: Buffer.from(`${' \n'.repeat(1500)}${SVG}`), type: 'image/png', status: 415, code: UNSUPPORTED },
    { name: 'SVG after a 5 KB comment', body: Buffer.from(`<!--${'x'.repeat(5000)}-->${SVG}`), type: 'image/jpeg', status: 415, code: UNSUPPORTED },
    { name: 'SVG behind a UTF-8 BOM', body: Buffer.from(`\ufeff${SVG}`), type: 'image/svg+xml', status: 415, code: UNSUPPORTED },
    { name: 'SVG in UTF-16 LE with a BOM', body: Buffer.from(`\ufeff${SVG}`, 'utf16le'), type: 'image/svg+xml', status: 415, code: UNSUPPORTED },
    { name: 'SVG in UTF-16 BE with a BOM', body: utf16be(SVG), type: 'image/svg+xml', status: 415, code: UNSUPPORTED },
    { name: 'XML', body: Buffer.from('<?xml version="1.0"?><root><a/></root>'), type: 'application/octet-stream', status: 415, code: UNSUPPORTED },
    { name: 'HTML', body: Buffer.from('<!DOCTYPE html><html><body><img src="x"></body></html>'), type: 'image/jpeg', status: 415, code: UNSUPPORTED },
    { name: 'PDF', body: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF'), type: 'image/jpeg', status: 415, code: UNSUPPORTED },
    { name: 'BMP', body: Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]), type: 'image/bmp', status: 415, code: UNSUPPORTED },
    { name: 'a PNG signature followed by SVG', body: Buffer.concat([png, Buffer.from(SVG)]), type: 'image/png', status: 400, code: BAD },
    { name: 'a GIF signature followed by HTML', body: Buffer.from('GIF89a<html><script>alert(1)</script></html>'), type: 'image/gif', status: 400, code: BAD },
    { name: 'a JPEG signature followed by SVG', body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(SVG)]), type: 'image/jpeg', status: 400, code: BAD },
    { name: 'a RIFF/WEBP header around SVG', body: Buffer.concat([Buffer.from('RIFF\x00\x10\x00\x00WEBPVP8 ', 'latin1'), Buffer.from(SVG)]), type: 'image/webp', status: 400, code: BAD },
    { name: 'a TIFF declaring 100000 x 100000 in 130 bytes', body: tiffDeclaring(100_000, 100_000), type: 'image/tiff', status: 413, code: TOO_LARGE },
    { name: 'a JPEG declaring 60000 x 60000', body: await jpegDeclaring(60_000, 60_000, false, '4:2:0'), type: 'image/jpeg', status: 413, code: TOO_LARGE },
    { name: 'a progressive 4:4:4 JPEG declaring 35 MP (about 200 MiB of coefficients)', body: await jpegDeclaring(7000, 5000, true, '4:4:4'), type: 'image/jpeg', status: 413, code: TOO_LARGE },
    { name: 'a progressive JPEG of 300 scans', body: await jpegOfScans(300), type: 'image/jpeg', status: 413, code: TOO_LARGE },
    { name: 'an AVIF declaring 40 MP (8000 x 5000)', body: await avifDeclaring(8000, 5000), type: 'image/avif', status: 413, code: TOO_LARGE },
    { name: 'an AVIF declaring 45 MP', body: await avifDeclaring(9000, 5000), type: 'image/avif', status: 413, code: TOO_LARGE },
    { name: 'a PNG declaring 100000 x 100000', body: patchSize(await sharp(await goldfish()).png().toBuffer(), Buffer.from('IHDR'), 4, 100_000, 100_000, 4), type: 'image/png', status: 413, code: TOO_LARGE }
  ]
}
