import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testModelsDir } from '@inference-stack/test-assets'
import { onTestFinished } from 'vitest'

/** A directory holding mobilenetv2-12-int8 and its labels: MODELS_DIR, or the cache it is downloaded into. */
export const testModels = async (): Promise<string> => await testModelsDir()

/** A fresh directory under the OS temp dir, removed when the test ends. */
export async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'models-test-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}
