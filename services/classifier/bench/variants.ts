import sharp from 'sharp'
import type { Photo } from './client.js'

/**
 * Inputs the 12-photo mix lacks, generated from its photos at start: what
 * phones send (a 19 MP baseline JPEG with EXIF orientation 6, pixels stored
 * sideways), the same progressive, a large WebP, a 16-bit PNG, a TIFF and an
 * AVIF. They are timed and checked for accuracy beside the mix, not in it.
 */
export async function variants (photos: Photo[]): Promise<Photo[]> {
  const find = (name: string): Buffer => {
    const photo = photos.find((p) => p.name.startsWith(name))
    if (photo === undefined) throw new Error(`variants need ${name} among the photos`)
    return photo.body
  }
  const cat = find('domestic-cat')
  const tabby = find('tabby-cat')
  const panda = find('giant-panda')
  const sideways = (progressive: boolean): Promise<Buffer> =>
    sharp(cat).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 92, progressive }).toBuffer()
  const out: Array<[string, Promise<Buffer>, string]> = [
    ['phone-cat-orient6.jpg', sideways(false), 'image/jpeg'],
    ['phone-cat-orient6-progressive.jpg', sideways(true), 'image/jpeg'],
    ['cat-5360.webp', sharp(cat).webp({ quality: 85 }).toBuffer(), 'image/webp'],
    ['tabby-16bit.png', sharp(tabby).toColourspace('rgb16').png().toBuffer(), 'image/png'],
    ['tabby.tiff', sharp(tabby).tiff({ compression: 'lzw' }).toBuffer(), 'image/tiff'],
    ['panda-2000.avif', sharp(panda).resize({ width: 2000 }).avif({ quality: 60 }).toBuffer(), 'image/avif']
  ]
  return await Promise.all(out.map(async ([name, body, type]) => ({ name, body: await body, type })))
}
