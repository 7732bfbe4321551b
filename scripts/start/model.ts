// Step 2 of `npm start`: the classifier's model on disk before it starts. Missing, it is downloaded
// (SHA-256 checked, atomic; from MODELS_BASE_URL when set) into the cache directory. When that
// fails, one line says what to do, and the classifier still starts, in its no-model state, so the
// page can say the same thing.
import { resolve } from 'node:path'
import {
  DEFAULT_CACHE_DIR, DEFAULT_MODEL, DownloadError, fetchModel, formatMB, getEntry, getLabelSource, ModelError,
  modelsBaseUrl, progressReporter, resolveModel, type CatalogEntry
} from '@inference-stack/models'
import type { Output } from './output.js'

/** Where the classifier looks, as absolute paths (the services run in their own directories). */
export interface ModelPlace { name: string, modelsDir?: string, cacheDir: string }

export function modelPlace (env: NodeJS.ProcessEnv): ModelPlace {
  return {
    name: env.MODEL || DEFAULT_MODEL,
    modelsDir: env.MODELS_DIR ? resolve(env.MODELS_DIR) : undefined,
    cacheDir: env.MODEL_CACHE_DIR ? resolve(env.MODEL_CACHE_DIR) : DEFAULT_CACHE_DIR
  }
}

function howToInstall (entry: CatalogEntry): string {
  return `to install it, run \`npm run models:fetch ${entry.name}\` when this machine is online, set MODELS_DIR to a directory that holds ` +
    `${entry.file} and ${getLabelSource(entry).file}, or set MODELS_BASE_URL to a mirror that serves them; then start again`
}

/**
 * `ready`: the model and its labels are in place and verified. `missing`: they are not, and the
 * user has been told why and what to do. `unknown`: MODEL is no catalog name (the classifier says so).
 */
export async function ensureModel (env: NodeJS.ProcessEnv, out: Output, signal: AbortSignal): Promise<'ready' | 'missing' | 'unknown'> {
  const place = modelPlace(env)
  let entry: CatalogEntry
  try {
    entry = getEntry(place.name)
  } catch {
    return 'unknown'
  }
  const lookIn = { modelsDir: place.modelsDir, cacheDir: place.cacheDir }
  try {
    await resolveModel(place.name, lookIn)
    return 'ready'
  } catch (err) {
    if (!(err instanceof ModelError)) throw err
    if (entry.synthetic === true) {
      out.warn(`image classification is off: ${err.message}`)
      return 'missing'
    }
  }
  try {
    const baseUrl = modelsBaseUrl(env.MODELS_BASE_URL)
    const from = baseUrl ?? new URL(entry.url).host
    out.say(`${entry.name} is not installed: downloading ${entry.file} (${formatMB(entry.bytes)}) from ${from} into ${place.cacheDir}`)
    await fetchModel(entry, {
      dir: place.cacheDir,
      modelsDir: place.modelsDir,
      baseUrl,
      signal,
      progress: (artifact, total) => progressReporter(`${out.prefix('start')}${artifact.file}`, total, process.stdout),
      log: (line) => out.say(line)
    })
    // What the classifier will find: a corrupt copy in MODELS_DIR would still shadow the download.
    await resolveModel(place.name, lookIn)
    return 'ready'
  } catch (err) {
    if (signal.aborted) return 'missing'
    if (err instanceof DownloadError) {
      const from = new URL(err.url).host
      out.warn(`no model: cannot download ${entry.file} (${formatMB(entry.bytes)}) from ${from} (${err.reason}). ` +
        `Prime and the page run without image classification; ${howToInstall(entry)}.`)
    } else if (err instanceof ModelError) {
      out.warn(`no model: ${err.message}. Prime and the page run without image classification.`)
    } else {
      throw err
    }
    return 'missing'
  }
}
