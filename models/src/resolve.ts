import { readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { catalog as defaultCatalog, DEFAULT_CACHE_DIR, formatMB, getEntry, getLabelSource } from './catalog.js'
import { cachedSha256 } from './checksum.js'
import { ModelError, type Artifact, type CatalogEntry, type LabelSource, type ResolvedModel } from './types.js'

export interface ResolveOptions {
  /** Searched first (the MODELS_DIR setting). */
  modelsDir?: string
  /** Searched second; default models/cache in the repository. */
  cacheDir?: string
  /** Check SHA-256 against the catalog (default true; synthetic models have none). */
  verify?: boolean
  /** Look names up here instead of the built-in catalog. */
  catalog?: Record<string, CatalogEntry>
  /** Use this label list instead of the entry's. */
  labelSource?: LabelSource
}

/** The directories searched, in order. */
export function searchDirs (opts: Pick<ResolveOptions, 'modelsDir' | 'cacheDir'>): string[] {
  const dirs = [opts.modelsDir, opts.cacheDir ?? DEFAULT_CACHE_DIR].filter((d): d is string => Boolean(d))
  return [...new Set(dirs.map((d) => resolve(d)))]
}

/** The first directory holding `file`, or undefined. */
export async function findFile (file: string, dirs: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = join(dir, file)
    const info = await stat(path).catch(() => undefined)
    if (info?.isFile()) return path
  }
  return undefined
}

function where (opts: ResolveOptions): string {
  const cache = resolve(opts.cacheDir ?? DEFAULT_CACHE_DIR)
  return opts.modelsDir ? `MODELS_DIR=${resolve(opts.modelsDir)} or ${cache}` : `${cache} (MODELS_DIR is not set)`
}

function notFound (entry: CatalogEntry, opts: ResolveOptions): ModelError {
  if (entry.synthetic === true) {
    return new ModelError(`model "${entry.name}" not found in ${where(opts)}. It is generated, not downloaded: ` +
      `run npm run models:fetch ${entry.name} (writes it into the cache directory; npm run bench:classifier does this), ` +
      `or set MODELS_DIR to a directory that holds ${entry.file}`)
  }
  return new ModelError(`model "${entry.name}" not found in ${where(opts)}. To install it, run npm run models:fetch ${entry.name} ` +
    `(downloads ${formatMB(entry.bytes)} from ${new URL(entry.url).host}, or from MODELS_BASE_URL when set), ` +
    `or set MODELS_DIR to a directory that holds ${entry.file} and ${getLabelSource(entry).file}`)
}

/** Throws a ModelError when the file's SHA-256 is not the expected one. */
export async function verifyFile (path: string, artifact: Artifact, cacheDir?: string): Promise<string> {
  const actual = await cachedSha256(path, cacheDir)
  if (actual !== artifact.sha256) {
    throw new ModelError(`checksum mismatch for ${path}: expected sha256 ${artifact.sha256}, got ${actual}. ` +
      `The file is corrupt or a different version: delete it and run npm run models:fetch again (source: ${artifact.url})`)
  }
  return actual
}

/** Loads and checks a label list found in the search directories. */
export async function loadLabels (source: LabelSource, opts: ResolveOptions, modelName: string): Promise<string[]> {
  const path = await findFile(source.file, searchDirs(opts))
  if (!path) {
    throw new ModelError(`labels "${source.file}" not found in ${where(opts)}. Run: npm run models:fetch ${modelName} ` +
      `(fetches the labels too, ${formatMB(source.bytes)} from ${source.url}), or put ${source.file} in MODELS_DIR`)
  }
  if (opts.verify !== false) await verifyFile(path, source, opts.cacheDir ?? DEFAULT_CACHE_DIR)
  let labels: unknown
  try {
    labels = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new ModelError(`labels file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  if (!Array.isArray(labels) || labels.length !== source.count || !labels.every((l) => typeof l === 'string')) {
    throw new ModelError(`labels file ${path} must be a JSON array of ${source.count} strings`)
  }
  return labels as string[]
}

/**
 * Finds a catalog model in MODELS_DIR, then the cache directory, checks its
 * SHA-256 and loads its labels. Every failure is a ModelError whose message
 * says what to run.
 */
export async function resolveModel (name: string, opts: ResolveOptions = {}): Promise<ResolvedModel> {
  const entry = getEntry(name, opts.catalog ?? defaultCatalog)
  const path = await findFile(entry.file, searchDirs(opts))
  if (!path) throw notFound(entry, opts)
  const hashCacheDir = opts.cacheDir ?? DEFAULT_CACHE_DIR
  let sha256: string
  if (entry.synthetic === true) sha256 = await cachedSha256(path, hashCacheDir)
  else if (opts.verify === false) sha256 = entry.sha256
  else sha256 = await verifyFile(path, entry, hashCacheDir)
  const labels = await loadLabels(opts.labelSource ?? getLabelSource(entry), opts, entry.name)
  return { entry, path, sha256, labels }
}
