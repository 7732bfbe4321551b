import { fileURLToPath } from 'node:url'
import type { TestPhoto } from './photos.js'

/** test-assets/cache: the same path from src/ (tsx, vitest) and dist/ (compiled). */
export const DEFAULT_ASSETS_CACHE_DIR = fileURLToPath(new URL('../cache', import.meta.url))

export interface AssetOptions {
  /** Where MODELS_DIR, MODEL_CACHE_DIR, TEST_IMAGES_DIR and TEST_IMAGES_BASE_URL are read; default process.env. */
  env?: Record<string, string | undefined>
  /** Where downloaded and derived photos go; default test-assets/cache. */
  cacheDir?: string
  /** Injected for tests; default the global fetch. */
  fetchImpl?: typeof fetch
  /** The photos to provide; default PHOTOS (the tests of this module pass generated ones). */
  photos?: Readonly<Record<string, TestPhoto>>
  /** Told what happened to each file (present, downloaded, derived). */
  log?: (line: string) => void
}
