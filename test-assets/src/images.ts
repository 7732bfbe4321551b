import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { cachedSha256, fetchFile } from '@inference-stack/models'
import { checkDerived, derive } from './derive.js'
import { reason, TestAssetError } from './errors.js'
import { withLock } from './lock.js'
import { DEFAULT_ASSETS_CACHE_DIR, type AssetOptions } from './options.js'
import { PHOTOS, RAW_GITHUB, type TestPhoto } from './photos.js'

type Photos = Readonly<Record<string, TestPhoto>>

/** What is wrong with `dir/name` as the test photo `name`; undefined when it is right. */
async function problem (dir: string, name: string, photo: TestPhoto, hashCache: string): Promise<string | undefined> {
  const path = join(dir, name)
  if (!(await stat(path).catch(() => undefined))?.isFile()) return 'is missing'
  if (photo.derive) return await checkDerived(photo.derive, path)
  const sha256 = await cachedSha256(path, hashCache)
  return sha256 === photo.sha256 ? undefined : `has sha256 ${sha256}, expected ${photo.sha256}`
}

async function problems (photos: Photos, dir: string, hashCache: string): Promise<Array<[string, string]>> {
  const names = Object.keys(photos).sort()
  const found = await Promise.all(names.map(async (name) => [name, await problem(dir, name, photos[name] as TestPhoto, hashCache)] as const))
  return found.filter((f): f is [string, string] => f[1] !== undefined)
}

function mirrored (url: string, base: string | undefined): string {
  return base && url.startsWith(RAW_GITHUB) ? base.replace(/\/+$/, '') + url.slice(RAW_GITHUB.length) : url
}

async function fetchPhoto (name: string, photo: TestPhoto, dir: string, cacheDir: string, opts: AssetOptions, env: AssetOptions['env'] & object): Promise<void> {
  const url = mirrored(photo.url, env.TEST_IMAGES_BASE_URL)
  const artifact = { url, sha256: photo.sha256, bytes: photo.bytes }
  try {
    if (!photo.derive) {
      await fetchFile({ ...artifact, file: name }, { dir, fetchImpl: opts.fetchImpl, log: opts.log })
      return
    }
    const original = await fetchFile({ ...artifact, file: basename(new URL(photo.url).pathname) }, { dir: join(cacheDir, 'originals'), fetchImpl: opts.fetchImpl, log: opts.log })
    const tmp = join(dir, `.${name}.${process.pid}.part`)
    try {
      await writeFile(tmp, await derive(photo.derive, await readFile(original.path)))
      await rename(tmp, join(dir, name))
    } finally {
      await rm(tmp, { force: true })
    }
    opts.log?.(`${name}: derived from ${basename(original.path)} (${photo.derive})`)
  } catch (err) {
    throw new TestAssetError(`TEST_IMAGES_DIR is not set and ${name} cannot be downloaded from ${url} (${reason(err)}): ` +
      'set TEST_IMAGES_DIR to a directory that holds the test photos')
  }
}

async function imagesDir (opts: AssetOptions): Promise<string> {
  const env = opts.env ?? process.env
  const photos = opts.photos ?? PHOTOS
  const cacheDir = resolve(opts.cacheDir ?? DEFAULT_ASSETS_CACHE_DIR)
  const given = env.TEST_IMAGES_DIR
  if (given) {
    const dir = resolve(given)
    const [first] = await problems(photos, dir, cacheDir)
    if (first) {
      throw new TestAssetError(`TEST_IMAGES_DIR=${dir}: ${first[0]} ${first[1]}; the directory must hold the test photos ` +
        `(${Object.keys(photos).sort().join(', ')}), or unset TEST_IMAGES_DIR to download them`)
    }
    return dir
  }
  const dir = join(cacheDir, 'images')
  if ((await problems(photos, dir, cacheDir)).length === 0) return dir
  await withLock(cacheDir, async () => {
    // Another process may have fetched them while this one waited for the lock.
    const missing = await problems(photos, dir, cacheDir)
    await mkdir(dir, { recursive: true })
    const results = await Promise.allSettled(missing.map(async ([name]) => await fetchPhoto(name, photos[name] as TestPhoto, dir, cacheDir, opts, env)))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  })
  return dir
}

let memo: Promise<string> | undefined

/**
 * The directory holding the test photos under their test names: TEST_IMAGES_DIR
 * (checked), else test-assets/cache/images, downloaded and derived there on
 * first use. Fails with a one-line TestAssetError naming TEST_IMAGES_DIR.
 */
export async function testImagesDir (opts?: AssetOptions): Promise<string> {
  if (opts) return await imagesDir(opts)
  memo ??= imagesDir({})
  return await memo
}
