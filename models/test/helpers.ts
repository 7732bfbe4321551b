import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { onTestFinished } from 'vitest'

/** shared/models: MODELS_DIR, or SHARED_DIR/models, or <repo>/../shared/models. */
export const SHARED_MODELS = process.env.MODELS_DIR ??
  (process.env.SHARED_DIR ? join(process.env.SHARED_DIR, 'models') : resolve(fileURLToPath(new URL('../../../shared/models', import.meta.url))))

/** A fresh directory under the OS temp dir, removed when the test ends. */
export async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'models-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}
