import { randomBytes, createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { DEFAULT_CACHE_DIR, formatMB, getLabelSource } from './catalog.js'
import { cachedSha256 } from './checksum.js'
import { progressReporter, type Progress } from './progress.js'
import { findFile } from './resolve.js'
import { sourceUrl } from './source.js'
import { DownloadError, ModelError, type Artifact, type DownloadableEntry, type LabelSource } from './types.js'

export interface FetchOptions {
  /** Where downloads go; default models/cache. */
  dir?: string
  /** Checked first: a valid copy there means nothing to download. */
  modelsDir?: string
  /** MODELS_BASE_URL (see `modelsBaseUrl`): download `${baseUrl}/${file}` instead of the catalog's URL. */
  baseUrl?: string
  /** Injected for tests; default the global fetch (follows redirects). */
  fetchImpl?: typeof fetch
  signal?: AbortSignal
  /** Makes a progress display per file; default none. */
  progress?: (artifact: Artifact, total: number | undefined) => Progress
  /** Told what happened to each file (skipped, downloaded). */
  log?: (line: string) => void
}

export interface FetchResult {
  path: string
  status: 'present' | 'downloaded'
  sha256: string
}

/** A progress factory for the CLI: bars on a TTY, plain lines otherwise. */
export function consoleProgress (artifact: Artifact, total: number | undefined): Progress {
  return progressReporter(artifact.file, total)
}

function unreachable (url: string, artifact: Artifact, opts: FetchOptions, err: unknown): ModelError {
  if (opts.signal?.aborted) return new ModelError(`download of ${url} aborted`, { cause: err })
  const cause = (err as { cause?: { code?: string, message?: string } }).cause
  const reason = cause?.message ?? cause?.code ?? (err as Error).message
  const fix = opts.baseUrl === undefined
    ? `without internet access, set MODELS_BASE_URL to a mirror that serves ${artifact.file}, or put the file in a directory and set MODELS_DIR to it`
    : `check that MODELS_BASE_URL=${opts.baseUrl} is reachable from here and serves ${artifact.file}`
  return new DownloadError(url, reason, `cannot download ${url}: ${reason}; ${fix}`, { cause: err })
}

async function download (artifact: Artifact, dest: string, opts: FetchOptions): Promise<string> {
  const fetchImpl = opts.fetchImpl ?? fetch
  const url = sourceUrl(artifact, opts.baseUrl)
  let res: Response
  try {
    res = await fetchImpl(url, { redirect: 'follow', signal: opts.signal })
  } catch (err) {
    throw unreachable(url, artifact, opts, err)
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel()
    const status = `HTTP ${res.status} ${res.statusText}`.trimEnd()
    throw new DownloadError(url, status, `cannot download ${url}: ${status}`)
  }
  const length = Number(res.headers.get('content-length')) || undefined
  const progress = opts.progress?.(artifact, length ?? artifact.bytes)
  const hash = createHash('sha256')
  let received = 0
  const meter = new Transform({
    transform (chunk: Buffer, _enc, cb) {
      received += chunk.length
      hash.update(chunk)
      progress?.update(received)
      cb(null, chunk)
    }
  })
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, createWriteStream(dest, { flags: 'wx' }))
  } catch (err) {
    if (opts.signal?.aborted) throw new ModelError(`download of ${url} aborted`, { cause: err })
    throw new DownloadError(url, (err as Error).message, `download of ${url} failed after ${formatMB(received)} of ${formatMB(artifact.bytes)}: ` +
      `${(err as Error).message}; run the fetch again`, { cause: err })
  }
  progress?.done()
  const sha256 = hash.digest('hex')
  if (received !== artifact.bytes || sha256 !== artifact.sha256) {
    throw new ModelError(`downloaded ${url} does not match the catalog: expected ${artifact.bytes} bytes, ` +
      `sha256 ${artifact.sha256}; got ${received} bytes, sha256 ${sha256}. The file was discarded`)
  }
  return sha256
}

/**
 * Makes sure `artifact` is in `dir` with the right SHA-256: nothing to do
 * when a valid copy is in MODELS_DIR or `dir`; otherwise it downloads to a
 * temporary file in `dir`, verifies while streaming, and renames it into
 * place. A failed download leaves no temporary file behind.
 */
export async function fetchFile (artifact: Artifact, opts: FetchOptions = {}): Promise<FetchResult> {
  const dir = resolve(opts.dir ?? DEFAULT_CACHE_DIR)
  const log = opts.log ?? (() => {})
  const dirs = [...new Set([opts.modelsDir, dir].filter((d): d is string => Boolean(d)).map((d) => resolve(d)))]
  for (const d of dirs) {
    const found = await findFile(artifact.file, [d])
    if (!found) continue
    const sha256 = await cachedSha256(found, dir)
    if (sha256 === artifact.sha256) {
      log(`${artifact.file}: present in ${d}, checksum ok`)
      return { path: found, status: 'present', sha256 }
    }
    log(`${artifact.file}: ${found} has sha256 ${sha256}, expected ${artifact.sha256}` +
      (d === dir ? '; downloading it again' : '; ignoring it (delete it: it shadows the cache)'))
  }
  await mkdir(dir, { recursive: true })
  const dest = join(dir, artifact.file)
  const tmp = join(dir, `.${artifact.file}.${randomBytes(6).toString('hex')}.part`)
  try {
    const sha256 = await download(artifact, tmp, opts)
    await rename(tmp, dest)
    log(`${artifact.file}: downloaded to ${dest}, checksum ok`)
    return { path: dest, status: 'downloaded', sha256 }
  } finally {
    await rm(tmp, { force: true })
  }
}

/** Fetches a catalog model and its label list (or `labelSource` instead). */
export async function fetchModel (entry: DownloadableEntry, opts: FetchOptions & { labelSource?: LabelSource } = {}): Promise<{ model: FetchResult, labels: FetchResult }> {
  const model = await fetchFile(entry, opts)
  const labels = await fetchFile(opts.labelSource ?? getLabelSource(entry), opts)
  return { model, labels }
}
