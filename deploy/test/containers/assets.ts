import { testImagesDir, testModelsDir } from '@inference-stack/test-assets'

/** The model files the stack gets here instead of downloading them: MODELS_DIR, or the models cache (fetched on first use). */
export const MODELS_SOURCE = await testModelsDir()
/** The photos the tests upload: TEST_IMAGES_DIR, or fetched on first use. */
export const IMAGES_DIR = await testImagesDir()
