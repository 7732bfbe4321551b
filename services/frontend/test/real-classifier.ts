import { join } from 'node:path'
import classifierApp from '@inference-stack/classifier/app'
import { ClassifierConfigSchema } from '@inference-stack/classifier/contract'
import { loadConfig } from '@inference-stack/kit'
import { TEST_MODEL, testImagesDir, testModelsDir } from '@inference-stack/test-assets'
import Fastify from 'fastify'
import { onTestFinished } from 'vitest'

/** The path of a test photo (TEST_IMAGES_DIR, or downloaded on first use): read at run time, never copied. */
export async function photoPath (name: string): Promise<string> {
  return join(await testImagesDir(), name)
}

/** The real classifier (services/classifier) with the small test model on port 0, warmed up; `env` overrides its settings. */
export async function startClassifier (env: Record<string, string> = {}): Promise<string> {
  const config = loadConfig(ClassifierConfigSchema, {
    MODELS_DIR: await testModelsDir(), MODEL: TEST_MODEL, EXECUTION_PROVIDER: 'cpu', LOG_LEVEL: 'silent', ...env
  })
  const server = Fastify({ forceCloseConnections: true })
  await server.register(classifierApp, { config })
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => server.close())
  await server.classifier.warmedUp
  return url
}
