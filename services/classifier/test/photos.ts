import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PHOTOS, testImagesDir, type TestPhoto } from '@inference-stack/test-assets'

/** The test photos: TEST_IMAGES_DIR, or the cache they are downloaded into. Read at run time, never copied. */
export const IMAGES_DIR = await testImagesDir()

export type Expected = Pick<TestPhoto, 'index' | 'label' | 'accept'>
/** Each photo's ImageNet class, and the classes that also count as right. */
export const EXPECTED: Readonly<Record<string, Expected>> = PHOTOS

export function photo (name: string): Buffer {
  return readFileSync(join(IMAGES_DIR, name))
}
