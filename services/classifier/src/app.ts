import { service } from '@inference-stack/kit'
import { getEntry, ModelError, resolveModel, type ResolvedModel } from '@inference-stack/models'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CLASSIFIER_ERRORS, type ClassifierConfig } from './contract.js'
import { configureSharp } from './lib/preprocess.js'
import { model } from './plugins/model.js'
import { noModel } from './plugins/no-model.js'
import classifyRoutes from './routes/classify.js'
import infoRoutes from './routes/info.js'
import v2Routes from './routes/v2.js'

export interface AppOptions {
  config: ClassifierConfig
  /** Another inference worker script (tests that make a worker die or fail); session-worker by default. */
  sessionWorker?: URL
}

/**
 * The model's file, checked, and its labels. Missing or corrupt, it is returned as the
 * error when ON_MISSING_MODEL=unready (the app then serves the no-model state), thrown
 * otherwise. An unknown MODEL name is a configuration error and always thrown.
 */
async function findModel (config: ClassifierConfig): Promise<ResolvedModel | ModelError> {
  getEntry(config.MODEL)
  return await resolveModel(config.MODEL, { modelsDir: config.MODELS_DIR, cacheDir: config.MODEL_CACHE_DIR, verify: true }).catch((err: unknown) => {
    if (err instanceof ModelError && config.ON_MISSING_MODEL === 'unready') return err
    throw err
  })
}

/**
 * The classifier as a fastify plugin: the kit's service plugins, then the model (loads,
 * warms up, batches, closes), then the routes; or, without a usable model and
 * with ON_MISSING_MODEL=unready, the no-model state. Tests register it on a bare
 * fastify(); server.ts on the logged server. Not encapsulated, so both see
 * `app.classifier` (e.g. to await `classifier.warmedUp`).
 */
export default fp(async function classifierApp (app: FastifyInstance, { config, sessionWorker }: AppOptions): Promise<void> {
  configureSharp()
  await app.register(service, {
    name: 'classifier',
    errors: CLASSIFIER_ERRORS,
    retryAfterS: config.RETRY_AFTER_S,
    openapi: {
      title: 'inference-stack classifier',
      description: 'ImageNet image classification: sharp preprocessing, dynamic batching, onnxruntime in worker threads. Also speaks the Open Inference Protocol (KServe v2) under /v2.',
      version: '0.1.0'
    }
  })
  const resolved = await findModel(config)
  if (resolved instanceof ModelError) {
    await app.register(noModel, { reason: resolved.message })
    return
  }
  await app.register(model, { config, resolved, sessionWorker })
  await app.register(classifyRoutes, { config })
  await app.register(infoRoutes, { config })
  await app.register(v2Routes, { config })
}, { name: 'classifier-app' })
