import { ModelError, type Artifact } from './types.js'

/**
 * MODELS_BASE_URL, checked: a mirror (an air-gapped site's web server, a bucket, a
 * proxy) that serves every catalog file as `${base}/${file}`. Unset or empty: none.
 */
export function modelsBaseUrl (raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new ModelError(`MODELS_BASE_URL="${raw}" is not a URL; set it to the http(s) address of a directory that serves the model files, e.g. http://mirror.internal/models`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ModelError(`MODELS_BASE_URL="${raw}" must be an http:// or https:// URL (for a local directory, set MODELS_DIR instead)`)
  }
  return url.href.replace(/\/+$/, '')
}

/** Where a file is downloaded from: `${baseUrl}/${file}` with a mirror, else the catalog's URL. The SHA-256 is checked either way. */
export function sourceUrl (artifact: Artifact, baseUrl: string | undefined): string {
  return baseUrl === undefined ? artifact.url : `${baseUrl}/${encodeURIComponent(artifact.file)}`
}
