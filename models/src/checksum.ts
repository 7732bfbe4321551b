import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'

/** SHA-256 of a file as lowercase hex, read as a stream (a 100 MB model never sits in memory). */
export async function sha256File (path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

interface CachedHash { size: number, mtimeMs: number, sha256: string }

const CACHE_FILE = '.checksums.json'
const memory = new Map<string, CachedHash>()

async function readCache (dir: string): Promise<Record<string, CachedHash>> {
  try {
    return JSON.parse(await readFile(join(dir, CACHE_FILE), 'utf8')) as Record<string, CachedHash>
  } catch {
    return {}
  }
}

/**
 * SHA-256 of a file, remembered by path, size and mtime: in memory, and in
 * `<cacheDir>/.checksums.json` when given, so a restart does not re-hash
 * 100 MB. Writing that file is best effort (the directory may be read-only).
 */
export async function cachedSha256 (path: string, cacheDir?: string): Promise<string> {
  const abs = resolve(path)
  const { size, mtimeMs } = await stat(abs)
  const fresh = (c: CachedHash | undefined): c is CachedHash => c !== undefined && c.size === size && c.mtimeMs === mtimeMs
  const inMemory = memory.get(abs)
  if (fresh(inMemory)) return inMemory.sha256
  const onDisk = cacheDir ? await readCache(cacheDir) : {}
  const known = Object.hasOwn(onDisk, abs) ? onDisk[abs] : undefined
  if (fresh(known)) {
    memory.set(abs, known)
    return known.sha256
  }
  const sha256 = await sha256File(abs)
  const record = { size, mtimeMs, sha256 }
  memory.set(abs, record)
  if (cacheDir) {
    const tmp = join(cacheDir, `${CACHE_FILE}.${process.pid}.tmp`)
    try {
      await writeFile(tmp, JSON.stringify({ ...(await readCache(cacheDir)), [abs]: record }, null, 2))
      await rename(tmp, join(cacheDir, CACHE_FILE))
    } catch {
      // read-only or missing cache dir: the in-memory record still helps this process
    }
  }
  return sha256
}
