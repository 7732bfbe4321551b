#!/usr/bin/env node
// npm run test-assets:fetch: puts the test model and photos where the tests,
// the classifier bench and the load tests find them, and says where.
import { TestAssetError } from './errors.js'
import { testImagesDir } from './images.js'
import { TEST_MODEL, testModelsDir } from './model.js'
import { PHOTO_NAMES } from './photos.js'

const log = (line: string): void => console.log(`  ${line}`)

try {
  const models = await testModelsDir({ log })
  console.log(`test model ${TEST_MODEL}: ${models}${process.env.MODELS_DIR ? ' (MODELS_DIR)' : ''}`)
  const images = await testImagesDir({ log })
  console.log(`test photos (${PHOTO_NAMES.length}): ${images}${process.env.TEST_IMAGES_DIR ? ' (TEST_IMAGES_DIR)' : ''}`)
} catch (err) {
  console.error(err instanceof TestAssetError ? `error: ${err.message}` : err)
  process.exitCode = 1
}
