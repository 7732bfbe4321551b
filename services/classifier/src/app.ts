import { drain, expectContinue, health, installErrorHandling, metrics, openapi } from '@inference-stack/kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ClassifierConfig } from './config.js'
import { configureSharp } from './lib/preprocess.js'
import { model } from './plugins/model.js'
import classifyRoutes from './routes/classify.js'
import infoRoutes from './routes/info.js'
import v2Routes from './routes/v2.js'

export interface AppOptions { config: ClassifierConfig }

/**
 * The classifier as a fastify plugin: kit plugins, then the model (loads,
 * warms up, batches, closes), then the routes. Tests register it on a bare
 * fastify(); server.ts on the logged server. Not encapsulated, so both see
 * `app.classifier` (e.g. to await `classifier.warmedUp`).
 */
export default fp(async function classifierApp (app: FastifyInstance, { config }: AppOptions): Promise<void> {
  configureSharp()
  installErrorHandling(app, 'CLASSIFIER')
  await app.register(drain)
  await app.register(expectContinue, { tooLargeCode: 'CLASSIFIER_IMAGE_TOO_LARGE' })
  await app.register(health)
  await app.register(metrics, { service: 'classifier' })
  await app.register(openapi, {
    title: 'inference-stack classifier',
    description: 'ImageNet image classification: sharp preprocessing, dynamic batching, onnxruntime in worker threads. Also speaks the Open Inference Protocol (KServe v2) under /v2.',
    version: '0.1.0'
  })
  await app.register(model, { config })
  await app.register(classifyRoutes, { config })
  await app.register(infoRoutes, { config })
  await app.register(v2Routes, { config })
}, { name: 'classifier-app' })
