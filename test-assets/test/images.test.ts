import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { derive, PHOTOS, TestAssetError, testImagesDir } from '../src/index.js'
import { generatedPhotos, refusedBase, serve, tempDir } from './helpers.js'

async function rgba (file: string): Promise<{ data: Buffer, width: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width }
}

describe('testImagesDir without TEST_IMAGES_DIR', () => {
  it('downloads every photo through TEST_IMAGES_BASE_URL, checks it and derives the CMYK and alpha variants', async () => {
    const { photos, files } = await generatedPhotos()
    const mirror = await serve(files)
    const cacheDir = await tempDir()
    const lines: string[] = []
    const dir = await testImagesDir({ photos, cacheDir, env: { TEST_IMAGES_BASE_URL: `${mirror.base}/` }, log: (l) => lines.push(l) })
    expect(dir).toBe(join(cacheDir, 'images'))
    expect((await readdir(dir)).sort()).toEqual(['other.jpg', 'plain.jpg', 'variant-alpha.png', 'variant-cmyk.jpg'])
    expect((await readFile(join(dir, 'plain.jpg'))).equals(files.get('/owner/repo/0123456789abcdef0123456789abcdef01234567/plain.JPEG')!)).toBe(true)
    expect(mirror.hits.sort()).toEqual([...files.keys()].sort())
    expect(lines).toContain('variant-cmyk.jpg: derived from zebra.JPEG (cmyk-jpeg)')

    expect(await sharp(join(dir, 'variant-cmyk.jpg')).metadata()).toMatchObject({ format: 'jpeg', space: 'cmyk', channels: 4 })
    const original = await sharp(join(cacheDir, 'originals', 'penguin.JPEG')).raw().toBuffer({ resolveWithObject: true })
    const alpha = await rgba(join(dir, 'variant-alpha.png'))
    const { width, height } = original.info
    const at = (x: number, y: number): number => (y * width + x) * 4
    expect([alpha.width, alpha.data.length]).toEqual([width, width * height * 4])
    expect(alpha.data[at(0, 0) + 3]).toBe(0)
    expect(alpha.data[at(width - 1, height - 1) + 3]).toBe(0)
    expect(alpha.data[at(width >> 1, 0) + 3]).toBe(255)
    expect(alpha.data[at(width >> 1, height >> 1) + 3]).toBe(255)
    // The RGB stays under the transparent corners: dropping the alpha gives the original pixels back.
    for (let p = 0; p < width * height; p++) {
      expect(alpha.data.subarray(p * 4, p * 4 + 3).equals(original.data.subarray(p * 3, p * 3 + 3))).toBe(true)
    }
  })

  it('downloads nothing once the cache holds every photo, and replaces a corrupt one', async () => {
    const { photos, files } = await generatedPhotos()
    const mirror = await serve(files)
    const cacheDir = await tempDir()
    const opts = { photos, cacheDir, env: { TEST_IMAGES_BASE_URL: mirror.base } }
    const dir = await testImagesDir(opts)
    const fetched = mirror.hits.length
    expect(await testImagesDir(opts)).toBe(dir)
    expect(mirror.hits.length).toBe(fetched)
    await writeFile(join(dir, 'plain.jpg'), 'not the photo')
    await writeFile(join(dir, 'variant-cmyk.jpg'), await readFile(join(dir, 'plain.jpg')))
    await testImagesDir(opts)
    expect(mirror.hits.length).toBe(fetched + 1)
    expect(await sharp(join(dir, 'variant-cmyk.jpg')).metadata()).toMatchObject({ space: 'cmyk' })
  })

  it('fetches each file once when several callers start on a cold cache', async () => {
    const { photos, files } = await generatedPhotos()
    const mirror = await serve(files)
    const opts = { photos, cacheDir: await tempDir(), env: { TEST_IMAGES_BASE_URL: mirror.base } }
    await Promise.all([testImagesDir(opts), testImagesDir(opts), testImagesDir(opts)])
    expect(mirror.hits.length).toBe(files.size)
  })

  it('fails with one line naming TEST_IMAGES_DIR when the photos cannot be downloaded', async () => {
    const { photos } = await generatedPhotos()
    const base = await refusedBase()
    const cacheDir = await tempDir()
    const error = await testImagesDir({ photos, cacheDir, env: { TEST_IMAGES_BASE_URL: base } }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(TestAssetError)
    const { message, stack } = error as Error
    expect(message).toMatch(new RegExp(`^TEST_IMAGES_DIR is not set and \\S+ cannot be downloaded from ${base}/owner/\\S+ \\(.*ECONNREFUSED.*\\): ` +
      'set TEST_IMAGES_DIR to a directory that holds the test photos$'))
    expect(message).not.toContain('\n')
    expect(stack).toBe(`TestAssetError: ${message}`)
    expect((await readdir(join(cacheDir, 'images'))).filter((f) => !f.startsWith('.'))).toEqual([])
  })

  it('names the HTTP status when the mirror lacks a photo', async () => {
    const { photos, files } = await generatedPhotos()
    files.delete('/owner/other/89abcdef0123456789abcdef0123456789abcdef/dir/other.jpg')
    const mirror = await serve(files)
    await expect(testImagesDir({ photos, cacheDir: await tempDir(), env: { TEST_IMAGES_BASE_URL: mirror.base } })).rejects.toThrow(
      `TEST_IMAGES_DIR is not set and other.jpg cannot be downloaded from ${mirror.base}/owner/other/89abcdef0123456789abcdef0123456789abcdef/dir/other.jpg (HTTP 404 Not Found)`)
  })
})

describe('testImagesDir with TEST_IMAGES_DIR', () => {
  async function filledDir (): Promise<{ dir: string, photos: Awaited<ReturnType<typeof generatedPhotos>>['photos'] }> {
    const { photos, files } = await generatedPhotos()
    const dir = await tempDir()
    for (const [name, photo] of Object.entries(photos)) {
      const published = files.get(new URL(photo.url).pathname)!
      await writeFile(join(dir, name), photo.derive ? await derive(photo.derive, published) : published)
    }
    return { dir, photos }
  }

  it('uses the directory as it is when it holds every photo', async () => {
    const { dir, photos } = await filledDir()
    const base = await refusedBase()
    expect(await testImagesDir({ photos, cacheDir: await tempDir(), env: { TEST_IMAGES_DIR: dir, TEST_IMAGES_BASE_URL: base } })).toBe(dir)
  })

  it('names TEST_IMAGES_DIR and the photo that is missing, altered or not the right variant', async () => {
    const { dir, photos } = await filledDir()
    const env = { TEST_IMAGES_DIR: dir }
    const cacheDir = await tempDir()
    await copyFile(join(dir, 'plain.jpg'), join(dir, 'variant-cmyk.jpg'))
    await expect(testImagesDir({ photos, cacheDir, env })).rejects.toThrow(new RegExp(
      `^TEST_IMAGES_DIR=${dir}: variant-cmyk.jpg is \\{"format":"jpeg","channels":3,"space":"srgb","hasAlpha":false\\}, expected .*cmyk.*; ` +
      'the directory must hold the test photos \\(other.jpg, plain.jpg, variant-alpha.png, variant-cmyk.jpg\\), or unset TEST_IMAGES_DIR to download them$'))
    await writeFile(join(dir, 'plain.jpg'), 'changed')
    await expect(testImagesDir({ photos, cacheDir, env })).rejects.toThrow(`TEST_IMAGES_DIR=${dir}: plain.jpg has sha256 `)
    const empty = await tempDir()
    await mkdir(join(empty, 'sub'))
    await expect(testImagesDir({ photos, cacheDir, env: { TEST_IMAGES_DIR: empty } })).rejects.toThrow(`TEST_IMAGES_DIR=${empty}: other.jpg is missing;`)
  })
})

describe('the test photo list', () => {
  it('pins every photo to a commit with its size and SHA-256 and a valid ImageNet class', () => {
    expect(Object.keys(PHOTOS)).toHaveLength(12)
    for (const photo of Object.values(PHOTOS)) {
      expect(photo.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[0-9a-f]{40}\/\S+$/)
      expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(photo.bytes).toBeGreaterThan(10_000)
      expect(photo.index).toBeGreaterThanOrEqual(0)
      expect(photo.index).toBeLessThan(1000)
      if (photo.accept) expect(photo.accept).toContain(photo.index)
    }
    expect(Object.entries(PHOTOS).filter(([, p]) => p.derive).map(([name, p]) => [name, p.derive])).toEqual([
      ['king-penguin-alpha.png', 'rounded-alpha-png'],
      ['zebra-cmyk.jpg', 'cmyk-jpeg']
    ])
  })
})
