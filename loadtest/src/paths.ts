import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/** The repository root (loadtest/src/../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Every run's JSON, and the table of runs: untracked (gitignored), so a run changes no committed file. */
export const RESULTS_DIR = join(REPO_ROOT, 'loadtest', 'results')
export const TABLE_PATH = join(RESULTS_DIR, 'runs.md')
