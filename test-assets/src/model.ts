import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { cachedSha256, DEFAULT_CACHE_DIR, fetchModel, getEntry, getLabelSource, type Artifact, type DownloadableEntry } from '@inference-stack/models'
import { reason, TestAssetError } from './errors.js'
import { withLock } from './lock.js'
import { DEFAULT_ASSETS_CACHE_DIR, type AssetOptions } from './options.js'

/** The model the tests serve: a real ImageNet classifier of 3.7 MB. */
export const TEST_MODEL = 'mobilenetv2-12-int8'

function testEntry (): DownloadableEntry {
  const entry = getEntry(TEST_MODEL)
  if (entry.synthetic === true) throw new Error(`${TEST_MODEL} must be a downloadable catalog entry`)
  return entry
}

/** What is wrong with `dir/<artifact.file>`; undefined when it is there with the catalog's SHA-256. */
async function problem (dir: string, artifact: Artifact, hashCache: string): Promise<string | undefined> {
  const path = join(dir, artifact.file)
  if (!(await stat(path).catch(() => undefined))?.isFile()) return `has no ${artifact.file}`
  const sha256 = await cachedSha256(path, hashCache)
  return sha256 === artifact.sha256 ? undefined : `${artifact.file} has sha256 ${sha256}, expected ${artifact.sha256}`
}

async function firstProblem (dir: string, artifacts: Artifact[], hashCache: string): Promise<string | undefined> {
  return (await Promise.all(artifacts.map(async (a) => await problem(dir, a, hashCache)))).find((p) => p !== undefined)
}

async function modelsDir (opts: AssetOptions): Promise<string> {
  const env = opts.env ?? process.env
  const entry = testEntry()
  const artifacts = [entry, getLabelSource(entry)]
  const hashCache = resolve(opts.cacheDir ?? DEFAULT_ASSETS_CACHE_DIR)
  if (env.MODELS_DIR) {
    const dir = resolve(env.MODELS_DIR)
    const wrong = await firstProblem(dir, artifacts, hashCache)
    if (wrong) {
      throw new TestAssetError(`MODELS_DIR=${dir} ${wrong}; it must hold ${artifacts.map((a) => a.file).join(' and ')} ` +
        `(${artifacts.map((a) => a.url).join(', ')}), or unset MODELS_DIR to download them`)
    }
    return dir
  }
  const dir = resolve(env.MODEL_CACHE_DIR || DEFAULT_CACHE_DIR)
  if (await firstProblem(dir, artifacts, hashCache) === undefined) return dir
  try {
    await withLock(dir, async () => { await fetchModel(entry, { dir, fetchImpl: opts.fetchImpl, log: opts.log }) })
  } catch (err) {
    throw new TestAssetError(`MODELS_DIR is not set and ${TEST_MODEL} cannot be downloaded into ${dir} (${reason(err)}): ` +
      `set MODELS_DIR to a directory that holds ${artifacts.map((a) => a.file).join(' and ')}`)
  }
  return dir
}

let memo: Promise<string> | undefined

/**
 * The directory holding the test model and its labels: MODELS_DIR (checked),
 * else the models cache (MODEL_CACHE_DIR or models/cache), downloaded there
 * with the catalog's SHA-256 on first use. Fails with a one-line
 * TestAssetError naming MODELS_DIR.
 */
export async function testModelsDir (opts?: AssetOptions): Promise<string> {
  if (opts) return await modelsDir(opts)
  memo ??= modelsDir({})
  return await memo
}
