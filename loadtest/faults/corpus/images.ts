import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { testImagesDir } from '@inference-stack/test-assets'
import sharp from 'sharp'

/** The real images the corpus starts from: the small test photo in every format the classifier takes, and some edge cases. */
export interface CorpusImages {
  jpeg: Buffer
  png: Buffer
  webp: Buffer
  gif: Buffer
  avif: Buffer
  tiff: Buffer
  cmyk: Buffer
  tinyJpeg: Buffer
  tinyPngAlpha: Buffer
  png16: Buffer
  grey: Buffer
  animatedGif: Buffer
  animatedWebp: Buffer
  rotatedJpeg: Buffer
  /** 1 x 4000 pixels: resized to 256 on its short side it would be 256 x 1,024,000. */
  sliver: Buffer
  /** A PNG with a zTXt chunk that inflates to 64 MiB of text. */
  pngTextBomb: Buffer
  /** A JPEG whose ICC profile segment is garbage. */
  badIccJpeg: Buffer
  /** A PNG whose image data bytes are flipped halfway (the chunk CRC no longer matches). */
  corruptPng: Buffer
}

/** A PNG chunk: length, type, data, CRC-32 over type and data. */
function pngChunk (type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), 8 + data.length)
  return out
}

let table: Uint32Array | undefined
function crc32 (buf: Buffer): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  let c = 0xffffffff
  for (const byte of buf) c = (table[(c ^ byte) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** `png` with `chunk` inserted right after its IHDR. */
function afterIhdr (png: Buffer, chunk: Buffer): Buffer {
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8)
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)])
}

/** A JPEG with an APP2 ICC_PROFILE segment of random-looking bytes after its SOI. */
function withBadIcc (jpeg: Buffer): Buffer {
  const junk = Buffer.alloc(2000, 0x5a)
  junk.write('garbage profile', 0, 'latin1')
  const id = Buffer.from('ICC_PROFILE\0\x01\x01', 'latin1')
  const segment = Buffer.alloc(4)
  segment.writeUInt16BE(0xffe2, 0)
  segment.writeUInt16BE(2 + id.length + junk.length, 2)
  return Buffer.concat([jpeg.subarray(0, 2), segment, id, junk, jpeg.subarray(2)])
}

export async function corpusImages (): Promise<CorpusImages> {
  const photo = await readFile(join(await testImagesDir(), 'goldfish.jpg'))
  const cmyk = await readFile(join(await testImagesDir(), 'zebra-cmyk.jpg'))
  const small = sharp(photo).resize(160)
  const png = await small.clone().png().toBuffer()
  const frames = await sharp(photo).resize(64, 64).raw().toBuffer({ resolveWithObject: true })
  const twoFrames = Buffer.concat([frames.data, Buffer.from(frames.data.map((v) => 255 - v))])
  const animated = { raw: { width: 64, height: 128, channels: frames.info.channels }, pageHeight: 64 } as const
  const corruptPng = Buffer.from(png)
  const idat = corruptPng.indexOf('IDAT')
  for (let i = idat + 40; i < Math.min(corruptPng.length - 20, idat + 400); i++) corruptPng[i] = (corruptPng[i] as number) ^ 0xff
  return {
    jpeg: await small.clone().jpeg().toBuffer(),
    png,
    webp: await small.clone().webp().toBuffer(),
    gif: await small.clone().gif().toBuffer(),
    avif: await small.clone().avif({ quality: 40 }).toBuffer(),
    tiff: await small.clone().tiff().toBuffer(),
    cmyk,
    tinyJpeg: await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).jpeg().toBuffer(),
    tinyPngAlpha: await sharp({ create: { width: 1, height: 1, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer(),
    png16: await small.clone().toColourspace('rgb16').png().toBuffer(),
    grey: await small.clone().greyscale().jpeg().toBuffer(),
    animatedGif: await sharp(twoFrames, animated).gif().toBuffer(),
    animatedWebp: await sharp(twoFrames, animated).webp().toBuffer(),
    rotatedJpeg: await small.clone().jpeg().withMetadata({ orientation: 8 }).toBuffer(),
    sliver: await sharp({ create: { width: 1, height: 4000, channels: 3, background: '#406080' } }).png().toBuffer(),
    pngTextBomb: afterIhdr(png, pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x41), { level: 9 })]))),
    badIccJpeg: withBadIcc(await small.clone().jpeg().toBuffer()),
    corruptPng
  }
}

/** The first `fraction` of an image's bytes. */
export const truncated = (image: Buffer, fraction = 0.5): Buffer => image.subarray(0, Math.floor(image.length * fraction))

/** A real JPEG followed by junk after its end marker, `size` bytes in all (decoders ignore what follows the image). */
export function paddedJpeg (jpeg: Buffer, size: number): Buffer {
  return Buffer.concat([jpeg, Buffer.alloc(size - jpeg.length, 0x20)])
}
