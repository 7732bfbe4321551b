import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { IMAGES_DIR } from '../paths.js'

const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' }

export interface Photo { name: string, type: string, bytes: Buffer }

/** The real photos in the shared images directory, read at run time (never copied into the repo). */
export async function loadPhotos (dir = IMAGES_DIR): Promise<Photo[]> {
  const names = (await readdir(dir)).filter((n) => TYPES[extname(n).toLowerCase()] !== undefined).sort()
  if (names.length === 0) throw new Error(`no photos in ${dir}: set SHARED_DIR to the shared data directory`)
  return await Promise.all(names.map(async (name) => ({
    name,
    type: TYPES[extname(name).toLowerCase()] as string,
    bytes: await readFile(join(dir, name))
  })))
}

/** An upload request body for a photo: raw, or multipart/form-data with the field `image` (what a browser form sends). */
export function uploadBody (photo: Photo, upload: 'raw' | 'multipart' = 'raw'): { headers: Record<string, string>, body: Buffer } {
  if (upload === 'raw') return { headers: { 'content-type': photo.type }, body: photo.bytes }
  const boundary = '----loadtest' + photo.name.replace(/[^a-z0-9]/gi, '')
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${photo.name}"\r\nContent-Type: ${photo.type}\r\n\r\n`
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat([Buffer.from(head), photo.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)])
  }
}
