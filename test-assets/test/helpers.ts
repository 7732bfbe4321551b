import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { onTestFinished } from 'vitest'
import { RAW_GITHUB, type TestPhoto } from '../src/index.js'

/** A fresh directory, removed when the test ends. */
export async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'test-assets-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A w x h JPEG whose pixels all differ (a gradient), so pixel checks mean something. */
export async function gradientJpeg (width: number, height: number, seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3)
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + seed * 31 + Math.floor(i / (width * 3)) * 3) & 0xff
  return await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer()
}

export interface Served { base: string, hits: string[], files: Map<string, Buffer> }

/** A real HTTP server on port 0 serving `files` by path, 404 otherwise; closed when the test ends. */
export async function serve (files: Map<string, Buffer>): Promise<Served> {
  const hits: string[] = []
  const server = createServer((req, res) => {
    hits.push(req.url ?? '')
    const body = files.get(req.url ?? '')
    if (body) res.writeHead(200, { 'content-length': body.length }).end(body)
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, files }
}

/** A URL where nothing listens: the port was just freed, so connections are refused. */
export async function refusedBase (): Promise<string> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/**
 * A manifest shaped like PHOTOS, of generated JPEGs "published" under
 * raw.githubusercontent.com paths, and the files a mirror of it serves.
 */
export async function generatedPhotos (): Promise<{ photos: Record<string, TestPhoto>, files: Map<string, Buffer> }> {
  const published: Array<[string, string, TestPhoto['derive']]> = [
    ['plain.jpg', 'owner/repo/0123456789abcdef0123456789abcdef01234567/plain.JPEG', undefined],
    ['other.jpg', 'owner/other/89abcdef0123456789abcdef0123456789abcdef/dir/other.jpg', undefined],
    ['variant-cmyk.jpg', 'owner/repo/0123456789abcdef0123456789abcdef01234567/zebra.JPEG', 'cmyk-jpeg'],
    ['variant-alpha.png', 'owner/repo/0123456789abcdef0123456789abcdef01234567/penguin.JPEG', 'rounded-alpha-png']
  ]
  const photos: Record<string, TestPhoto> = {}
  const files = new Map<string, Buffer>()
  for (const [i, [name, path, derive]] of published.entries()) {
    const body = await gradientJpeg(120 + i * 10, 90, i)
    files.set(`/${path}`, body)
    photos[name] = { index: i, label: `class ${i}`, url: `${RAW_GITHUB}/${path}`, bytes: body.length, sha256: sha256(body), ...(derive ? { derive } : {}) }
  }
  return { photos, files }
}
