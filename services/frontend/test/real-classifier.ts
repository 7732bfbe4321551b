import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '@inference-stack/kit'
import Fastify from 'fastify'
import { onTestFinished } from 'vitest'
import classifierApp from '../../classifier/src/app.js'
import { ClassifierConfigSchema } from '../../classifier/src/config.js'

/** ../shared next to the repository, or SHARED_DIR: read at run time, never copied. */
export const SHARED_DIR = process.env.SHARED_DIR ?? resolve(fileURLToPath(new URL('../../../..', import.meta.url)), 'shared')
export const IMAGES_DIR = join(SHARED_DIR, 'images')
export const TEST_MODEL = 'mobilenetv2-12-int8'

/** The real classifier (services/classifier) with the small test model on port 0, warmed up; `env` overrides its settings. */
export async function startClassifier (env: Record<string, string> = {}): Promise<string> {
  const config = loadConfig(ClassifierConfigSchema, {
    MODELS_DIR: process.env.MODELS_DIR ?? join(SHARED_DIR, 'models'), MODEL: TEST_MODEL, EXECUTION_PROVIDER: 'cpu', LOG_LEVEL: 'silent', ...env
  })
  const server = Fastify({ forceCloseConnections: true })
  await server.register(classifierApp, { config })
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  onTestFinished(() => server.close())
  await server.classifier.warmedUp
  return url
}
