import { fileURLToPath } from 'node:url'
import { join, resolve } from 'node:path'

/** The repository root (loadtest/src/../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Shared read-only data: SHARED_DIR, else `<repo>/../shared`. */
export const SHARED_DIR = process.env.SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared')
export const MODELS_DIR = process.env.MODELS_DIR ?? join(SHARED_DIR, 'models')
export const IMAGES_DIR = join(SHARED_DIR, 'images')

export const RESULTS_DIR = join(REPO_ROOT, 'loadtest', 'results')
export const TABLE_PATH = join(REPO_ROOT, 'loadtest', 'results.md')
