import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { contentType, PHOTO_NAMES, testImagesDir } from '@inference-stack/test-assets'

export interface Photo { name: string, type: string, bytes: Buffer }

/** The test photos (TEST_IMAGES_DIR, or fetched on first use), read at run time, never copied into the repo. */
export async function loadPhotos (dir?: string): Promise<Photo[]> {
  const from = dir ?? await testImagesDir()
  return await Promise.all(PHOTO_NAMES.map(async (name) => ({ name, type: contentType(name), bytes: await readFile(join(from, name)) })))
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
