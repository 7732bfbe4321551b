import { TEST_MODEL, testModelsDir } from '@inference-stack/test-assets'

export { TEST_MODEL }
/** The directory holding the test model: MODELS_DIR, or the models cache it is downloaded into. */
export const MODELS_DIR = await testModelsDir()
